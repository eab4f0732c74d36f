import type { DropReason } from './types';

/** Rejection of `publish()` once `close()` was called: the bus is shutting down. */
export class BusClosedError extends Error {
  readonly code = 'BUS_CLOSED';

  constructor(topic: string) {
    super(
      `event bus is closed: cannot publish '${topic}' — stop this producer before the bus closes during shutdown`,
    );
    this.name = 'BusClosedError';
  }
}

/**
 * Reason, inside a `publishAndWaitForHandlers` AggregateError, that a subscriber never handled
 * the event: it was dropped from a full `drop-oldest` queue, or the subscriber went away first.
 */
export class DeliveryDroppedError extends Error {
  readonly code = 'DELIVERY_DROPPED';
  readonly subscriber: string;
  readonly reason: DropReason;

  constructor(topic: string, subscriber: string, reason: DropReason) {
    super(
      reason === 'overflow'
        ? `'${topic}' was dropped by subscriber '${subscriber}': its queue was full and the topic is drop-oldest`
        : `'${topic}' was not handled: subscriber '${subscriber}' unsubscribed first`,
    );
    this.name = 'DeliveryDroppedError';
    this.subscriber = subscriber;
    this.reason = reason;
  }
}
