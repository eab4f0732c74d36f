import { performance } from 'node:perf_hooks';

/**
 * Frame timestamps: wall-clock milliseconds, anchored once to the monotonic clock so an NTP
 * step (common on a Pi that boots without an RTC) cannot make them jump back, and bumped by
 * 1 ms when two frames land in the same millisecond so they strictly increase.
 */
export class FrameClock {
  readonly #monotonic: () => number;
  readonly #anchor: number;
  #last = Number.NEGATIVE_INFINITY;

  constructor(now: () => number = Date.now, monotonic: () => number = () => performance.now()) {
    this.#monotonic = monotonic;
    this.#anchor = now() - monotonic();
  }

  /** The next timestamp; always greater than the previous one. */
  next(): number {
    const stamp = Math.max(Math.round(this.#anchor + this.#monotonic()), this.#last + 1);
    this.#last = stamp;
    return stamp;
  }
}
