/**
 * Learning rate once settled: the background moves 3 % of the way to each new frame, so a
 * changed scene (a moved chair, the sun coming out) stops being motion within seconds.
 */
const SETTLED_LEARNING_RATE = 0.03;
/**
 * Pixels of a moving body learn this many times slower than the settled rate; learnt at the
 * full rate, a passing person smears into the background and leaves a trail of false motion.
 */
const MOVING_SLOWDOWN = 8;
/**
 * Frames a pixel of a moving body must stay still before it is learnt at the normal rate: long
 * enough that the plain middle of a passing body is not taken for background, short enough that
 * a ghost (what was in view at a reset and has since left) fades within seconds.
 */
const STILL_FRAMES = 5;

/**
 * A running-average background of the working grayscale image. After a reset it is the plain
 * mean of the frames seen since (rate 1/n), which learns a new scene in a few frames, until that
 * rate falls to the settled one. Learning is selective: where something is moving it nearly
 * stops, while changed-but-still pixels (a ghost of what was there at the reset, an object that
 * stopped) are learnt at the normal rate.
 */
export class RunningBackground {
  readonly #average: Float32Array;
  readonly #previous: Float32Array;
  /** Consecutive frames each moving pixel has been still (0 where nothing moves). */
  readonly #stillFrames: Uint8Array;
  #anyStill = false;
  readonly #settledRate: number;
  #framesLearnt = 0;

  constructor(pixels: number, settledRate = SETTLED_LEARNING_RATE) {
    this.#average = new Float32Array(pixels);
    this.#previous = new Float32Array(pixels);
    this.#stillFrames = new Uint8Array(pixels);
    this.#settledRate = settledRate;
  }

  /** Whether a background exists (false until the first frame after construction or `reset()`). */
  get learnt(): boolean {
    return this.#framesLearnt > 0;
  }

  /** Forgets the background; the next `learn()` copies that frame as the new one. */
  reset(): void {
    this.#framesLearnt = 0;
    this.#stillFrames.fill(0);
    this.#anyStill = false;
  }

  /**
   * Marks in `changed` (1/0) the unmasked pixels that differ from the background by more than
   * `threshold` grey levels and returns how many did. Masked pixels are always 0.
   */
  compare(gray: Float32Array, mask: Uint8Array, threshold: number, changed: Uint8Array): number {
    const average = this.#average;
    let count = 0;
    for (let i = 0; i < gray.length; i++) {
      const difference = (gray[i] as number) - (average[i] as number);
      const moved = mask[i] === 0 && (difference > threshold || difference < -threshold) ? 1 : 0;
      changed[i] = moved;
      count += moved;
    }
    return count;
  }

  /**
   * Blends a frame into the background (or adopts it when there is none yet). `moving` marks
   * the pixels found moving in this frame (null: none); those learn slowly until they have
   * changed by at most `stillLimit` per frame for several frames in a row.
   */
  learn(gray: Float32Array, moving: Uint8Array | null = null, stillLimit = 0): void {
    const average = this.#average;
    const previous = this.#previous;
    if (this.#framesLearnt === 0) {
      average.set(gray);
      previous.set(gray);
      this.#framesLearnt = 1;
      return;
    }
    this.#framesLearnt++;
    const rate = Math.max(this.#settledRate, 1 / this.#framesLearnt);
    if (moving === null) {
      for (let i = 0; i < gray.length; i++) {
        const value = average[i] as number;
        average[i] = value + ((gray[i] as number) - value) * rate;
      }
      if (this.#anyStill) this.#stillFrames.fill(0);
      this.#anyStill = false;
    } else {
      this.#learnSelectively(gray, moving, stillLimit, rate);
    }
    previous.set(gray);
  }

  #learnSelectively(gray: Float32Array, moving: Uint8Array, stillLimit: number, rate: number): void {
    const average = this.#average;
    const previous = this.#previous;
    const stillFrames = this.#stillFrames;
    const slowRate = Math.min(rate, this.#settledRate) / MOVING_SLOWDOWN;
    for (let i = 0; i < gray.length; i++) {
      const value = average[i] as number;
      const current = gray[i] as number;
      let pixelRate = rate;
      if (moving[i] === 1) {
        const step = current - (previous[i] as number);
        const still =
          step <= stillLimit && step >= -stillLimit ? Math.min(255, (stillFrames[i] as number) + 1) : 0;
        stillFrames[i] = still;
        if (still < STILL_FRAMES) pixelRate = slowRate;
      } else {
        stillFrames[i] = 0;
      }
      average[i] = value + (current - value) * pixelRate;
    }
    this.#anyStill = true;
  }
}
