import type { VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';

/** What a channel may tell the router about a delivery that worked. */
export interface ChannelOutcome {
  /** Tries it took; default 1. */
  attempts?: number;
  /** Why nothing was sent although nothing failed (e.g. below the webhook's min_severity). */
  skipped?: string;
}

/**
 * Somewhere an event can be routed: the web stream, the MQTT outbox, a GPIO output, a
 * webhook, clip extraction. `deliver` resolves once the channel has taken the event
 * (durably, for channels that promise that) and rejects when it could not; throw a
 * {@link ChannelError} to report how many tries it took.
 */
export interface Channel {
  /** The route name rules use: `web`, `mqtt`, `clip`, `gpio:siren`, `webhook:ops`. */
  readonly name: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a channel that has nothing to report is a plain async function returning nothing.
  deliver(event: VigilEvent, decision: Decision): Promise<void | ChannelOutcome>;
}

/** A delivery that failed, after `attempts` tries. */
export class ChannelError extends Error {
  readonly attempts: number;

  constructor(message: string, attempts: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChannelError';
    this.attempts = attempts;
  }
}

/** The outcome of delivering one event to one channel. */
export interface DeliveryResult {
  channel: string;
  ok: boolean;
  /** Tries made: 0 when the channel does not exist or skipped the event. */
  attempts: number;
  /** Why it failed. */
  error?: string;
  /** Why the channel sent nothing although nothing failed. */
  skipped?: string;
}
