/**
 * Lets frames through at no more than `fps` (GCRA, the "virtual scheduling" form of a token
 * bucket, with no burst allowance). A frame may arrive up to half an interval early, so a
 * source already thinned to `fps` by ffmpeg loses nothing to ordinary pipe jitter, while a
 * faster source is thinned to `fps`. A late frame restarts the schedule, so jitter beyond
 * about a quarter of an interval can cost a frame now and then, never add one.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  #theoreticalArrival = Number.NEGATIVE_INFINITY;

  constructor(fps: number) {
    this.#intervalMs = 1000 / fps;
    this.#toleranceMs = this.#intervalMs / 2;
  }

  /** True if a frame arriving at `nowMs` (monotonic) may be delivered. */
  admit(nowMs: number): boolean {
    if (nowMs < this.#theoreticalArrival - this.#toleranceMs) return false;
    this.#theoreticalArrival = Math.max(nowMs, this.#theoreticalArrival) + this.#intervalMs;
    return true;
  }
}
