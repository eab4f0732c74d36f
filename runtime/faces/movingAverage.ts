/** Exponential moving average (weight 0.1 for each new sample, like Frigate's inference_speed); null before the first. */
export class MovingAverage {
  #value: number | null = null;

  constructor(readonly weight = 0.1) {}

  add(sample: number): void {
    this.#value = this.#value === null ? sample : this.#value + this.weight * (sample - this.#value);
  }

  get value(): number | null {
    return this.#value;
  }
}
