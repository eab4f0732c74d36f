/**
 * Events per second over a sliding window of whole seconds (Frigate's camera_fps and friends
 * are such rates). `mark()` is O(1); `perSecond()` reads the completed seconds only, so a
 * reading does not dip at the start of each second.
 */
export class RateMeter {
  readonly #buckets: Float64Array;
  readonly #now: () => number;
  #second = -1;

  constructor(windowSeconds = 5, now: () => number = () => performance.now()) {
    this.#buckets = new Float64Array(windowSeconds + 1);
    this.#now = now;
  }

  mark(count = 1): void {
    this.#advance();
    const bucket = this.#second % this.#buckets.length;
    this.#buckets[bucket] = (this.#buckets[bucket] ?? 0) + count;
  }

  perSecond(): number {
    this.#advance();
    const window = this.#buckets.length - 1;
    let sum = 0;
    for (let ago = 1; ago <= window; ago++)
      sum += this.#buckets[(this.#second - ago + this.#buckets.length * 2) % this.#buckets.length] ?? 0;
    return Math.round((sum / window) * 10) / 10;
  }

  #advance(): void {
    const second = Math.floor(this.#now() / 1000);
    if (this.#second < 0 || second - this.#second >= this.#buckets.length) {
      this.#buckets.fill(0);
      this.#second = second;
      return;
    }
    while (this.#second < second) {
      this.#second++;
      this.#buckets[this.#second % this.#buckets.length] = 0;
    }
  }
}
