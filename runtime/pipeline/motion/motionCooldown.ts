/**
 * Keeps motion "on" for a quiet period after the last frame that had motion (seed 004's
 * per-camera cooldown). Works on frame timestamps, so it behaves the same on a live camera, a
 * file played faster than real time, and in tests.
 */
export class MotionCooldown {
  #lastMotionAt: number | null = null;

  /** Records one frame and returns whether motion is on after it. */
  observe(timestamp: number, hasMotion: boolean, cooldownSeconds: number): boolean {
    if (hasMotion) {
      this.#lastMotionAt = timestamp;
      return true;
    }
    if (this.#lastMotionAt === null) return false;
    if (timestamp - this.#lastMotionAt < cooldownSeconds * 1000) return true;
    this.#lastMotionAt = null;
    return false;
  }

  /** Ends motion at once (detection switched off). */
  clear(): void {
    this.#lastMotionAt = null;
  }
}
