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
 * Somewhere an event is delivered once the rules' decision is stored: the web stream, a GPIO
 * output, a webhook, clip extraction. `deliver` resolves once the channel has taken the event
 * (durably, for channels that promise that) and rejects when it could not; throw a
 * {@link ChannelError} to report how many tries it took.
 */
export interface Channel {
  /** The route name rules use: `web`, `clip`, `gpio:siren`, `webhook:ops`. */
  readonly name: string;
  /**
   * A live view (the web stream): delivered after the commit like the others, but its outcome is
   * not stored and a crash does not repeat it (a live view after a restart is a new one). An event
   * routed only to staged and live channels is `routed` in its decision's own transaction.
   */
  readonly live?: boolean;
  // biome-ignore lint/suspicious/noConfusingVoidType: a channel that has nothing to report is a plain async function returning nothing.
  deliver(event: VigilEvent, decision: Decision): Promise<void | ChannelOutcome>;
}

/**
 * A channel whose delivery is a row written in the same transaction as the rules' decision: the
 * MQTT outbox (`mqtt`). The event is handed over exactly when its decision is durable, so a crash
 * can neither lose it nor hand it over twice. `stage` runs while the routing batch's rows are
 * recorded (they are committed together): it must be synchronous and record its row into the
 * batch, and a throw drops the event's rows and dead-letters it.
 */
export interface StagedChannel {
  readonly name: string;
  stage(
    event: VigilEvent,
    decision: Decision,
    description: string | null,
    at: number,
  ): ChannelOutcome | undefined;
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
