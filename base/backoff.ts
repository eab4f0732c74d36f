/** Capped exponential backoff: initial, 2×, 4×, … up to max; `reset()` starts over. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  #attempt = 0;

  constructor(initialMs: number, maxMs: number) {
    this.#initialMs = initialMs;
    this.#maxMs = Math.max(initialMs, maxMs);
  }

  /** The wait before the next attempt; each call doubles the following one until the cap. */
  next(): number {
    const delay = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#attempt);
    if (delay < this.#maxMs) this.#attempt += 1;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
