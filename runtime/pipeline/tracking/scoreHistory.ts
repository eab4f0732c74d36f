/** Scratch space for `median()`; shared because medians are taken one at a time. */
let scratch = new Float64Array(16);

/** The last few detection scores of a track, in a fixed ring (no allocation per frame). */
export class ScoreHistory {
  readonly #scores: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#scores = new Float64Array(Math.max(1, capacity));
  }

  /** How many scores are held (at most the capacity). */
  get length(): number {
    return this.#count;
  }

  /** The held scores, oldest first. */
  values(): number[] {
    const out: number[] = [];
    const capacity = this.#scores.length;
    const start = (this.#next - this.#count + capacity) % capacity;
    for (let i = 0; i < this.#count; i++) out.push(this.#scores[(start + i) % capacity] as number);
    return out;
  }

  push(score: number): void {
    this.#scores[this.#next] = score;
    this.#next = (this.#next + 1) % this.#scores.length;
    if (this.#count < this.#scores.length) this.#count++;
  }

  /**
   * Median of the held scores (mean of the middle two for an even count), counting zeros for the
   * missing ones when fewer than `minCount` are held — as Frigate does with 3, so a young track's
   * single strong score cannot carry it. 0 when empty.
   */
  median(minCount = 0): number {
    const held = this.#count;
    const count = Math.max(held, minCount);
    if (count === 0) return 0;
    if (scratch.length < count) scratch = new Float64Array(count);
    // Insertion sort: at most ~10 values, cheaper than a typed-array sort call.
    for (let i = 0; i < count; i++) {
      const value = i < held ? (this.#scores[i] as number) : 0;
      let j = i - 1;
      while (j >= 0 && (scratch[j] as number) > value) {
        scratch[j + 1] = scratch[j] as number;
        j--;
      }
      scratch[j + 1] = value;
    }
    const middle = count >> 1;
    return count % 2 === 1
      ? (scratch[middle] as number)
      : ((scratch[middle - 1] as number) + (scratch[middle] as number)) / 2;
  }
}
