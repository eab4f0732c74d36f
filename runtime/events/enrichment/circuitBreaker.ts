/** `closed`: calls go through; `open`: calls are refused; `half_open`: one trial call is let through. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time the breaker stays open before it lets one trial call through. */
  cooldownMs: number;
  /** Current time in ms; injectable so tests can pass the cooldown without waiting. */
  now: () => number;
  onStateChange?: (from: BreakerState, to: BreakerState) => void;
}

/**
 * Per-enricher circuit breaker: an enricher that keeps failing is refused at once instead of
 * costing its timeout on every event, and is probed again with a single call after a cooldown.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  #state: BreakerState = 'closed';
  #consecutiveFailures = 0;
  #openedAt = 0;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  /** State as of now (an open breaker whose cooldown passed reports `half_open`). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#options.now() - this.#openedAt >= this.#options.cooldownMs)
      this.#transition('half_open');
    return this.#state;
  }

  /**
   * Whether a call may go ahead now. In `half_open` only the first caller gets through; it must
   * report back with {@link success} or {@link failure}.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  success(): void {
    this.#consecutiveFailures = 0;
    this.#trialInFlight = false;
    if (this.#state !== 'closed') this.#transition('closed');
  }

  failure(): void {
    this.#consecutiveFailures += 1;
    const trialFailed = this.#state === 'half_open';
    this.#trialInFlight = false;
    if (trialFailed || this.#consecutiveFailures >= this.#options.failureThreshold) {
      this.#openedAt = this.#options.now();
      // Re-entering `open` from `open` (a call admitted before it opened failing late) only restarts the cooldown.
      if (this.#state !== 'open') this.#transition('open');
    }
  }

  /**
   * A call admitted by {@link tryAcquire} ended with no verdict on the enricher's health (the run
   * was cancelled); frees the half-open trial slot so the next event may probe.
   */
  release(): void {
    this.#trialInFlight = false;
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    this.#options.onStateChange?.(from, to);
  }
}
