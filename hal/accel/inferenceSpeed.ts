/**
 * Exponential moving average of inference times, as Frigate computes `inference_speed`:
 * each new sample weighs 10 %, the first sample is taken as is.
 */
export class InferenceSpeed {
  #averageMs: number | null = null;

  /** Adds one measured inference time. */
  record(ms: number): void {
    this.#averageMs = this.#averageMs === null ? ms : this.#averageMs * 0.9 + ms * 0.1;
  }

  /** Times `work` and records it when it succeeds (a timed-out call says nothing about inference speed). */
  async time<T>(work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.record(performance.now() - start);
    return result;
  }

  /** The average in ms, or null before the first sample. */
  averageMs(): number | null {
    return this.#averageMs;
  }
}
