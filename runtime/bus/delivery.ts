import type { AnyEnvelope, PublishOptions } from './types';

/**
 * Tracks one `publishAndWaitForHandlers` call across its subscribers: settles once every
 * subscriber has handled, failed or dropped the event, rejecting if any did not handle it.
 */
export class Completion {
  #remaining: number;
  readonly #errors: unknown[] = [];
  readonly #describe: string;
  readonly #resolve: () => void;
  readonly #reject: (error: AggregateError) => void;

  constructor(
    subscribers: number,
    describe: string,
    resolve: () => void,
    reject: (error: AggregateError) => void,
  ) {
    this.#remaining = subscribers;
    this.#describe = describe;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** One subscriber handled the event. */
  succeed(): void {
    this.#settleOne();
  }

  /** One subscriber failed (its handler threw) or never got the event (dropped). */
  fail(error: unknown): void {
    this.#errors.push(error);
    this.#settleOne();
  }

  #settleOne(): void {
    this.#remaining--;
    if (this.#remaining > 0) return;
    if (this.#errors.length === 0) {
      this.#resolve();
      return;
    }
    this.#reject(
      new AggregateError(
        this.#errors,
        `${this.#errors.length} subscriber(s) did not handle ${this.#describe}`,
      ),
    );
  }
}

/** One publication as queued for each subscriber; shared by all of them. */
export interface Delivery<M> {
  readonly envelope: AnyEnvelope<M>;
  /** Present only for `publishAndWaitForHandlers`. */
  readonly completion: Completion | undefined;
}

/**
 * Options that make a published event the child of `parent`: same correlation id, and the
 * parent's id as causation id. Use it when a handler publishes a follow-up event:
 * `bus.publish('event.ingest', e, childOf(envelope))`.
 */
export function childOf(parent: {
  readonly id: string;
  readonly correlationId: string;
}): Required<PublishOptions> {
  return { correlationId: parent.correlationId, causationId: parent.id };
}
