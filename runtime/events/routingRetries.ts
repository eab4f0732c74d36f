import type { VigilEvent } from '../domain/eventModel';

/** How often and when an event whose routing failed is tried again. */
export interface RetryPolicy {
  /** Tries after the first failure. */
  attempts: number;
  /** Wait after the failure; each further wait is twice as long. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };

/**
 * Automatic retries of events dead-lettered while routing (stage `process`), in memory only: after
 * a restart they stay `dead_lettered`, with their dead letters for a retry through the API.
 */
export class RoutingRetries {
  readonly #policy: RetryPolicy;
  readonly #requeue: (event: VigilEvent) => void;
  /** Retries made so far, by event id. */
  readonly #made = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(policy: RetryPolicy, requeue: (event: VigilEvent) => void) {
    this.#policy = policy;
    this.#requeue = requeue;
  }

  /** Whether `eventId` is being retried (its earlier dead letters are resolved when it routes). */
  has(eventId: string): boolean {
    return this.#made.has(eventId);
  }

  /** The event routed (or was filtered): no more retries for it. */
  succeeded(eventId: string): void {
    this.#made.delete(eventId);
  }

  /** Queues `event` again after a backoff if it has retries left; returns the wait, or null. */
  schedule(event: VigilEvent): number | null {
    const made = this.#made.get(event.id) ?? 0;
    if (this.#stopped || made >= this.#policy.attempts) {
      this.#made.delete(event.id);
      return null;
    }
    this.#made.set(event.id, made + 1);
    const wait = this.#policy.backoffMs * 2 ** made;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#requeue(event);
    }, wait);
    timer.unref();
    this.#timers.add(timer);
    return wait;
  }

  /** Events waiting for their retry. */
  get waiting(): number {
    return this.#timers.size;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
