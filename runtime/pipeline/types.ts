import type { NormalizedBox } from '../../hal/accel/types';

/** A moving area found by motion detection, as fractions of the frame. */
export interface MotionRegion {
  box: NormalizedBox;
  /** Moving pixels inside it, at motion resolution. */
  area: number;
}

/** What motion detection says about one frame. */
export interface MotionResult {
  regions: MotionRegion[];
  /** True while motion is on (including the cooldown after it ends). */
  active: boolean;
  /** The whole frame changed at once (lights, IR switch): regions are suppressed and the background re-learnt. */
  globalChange: boolean;
}
