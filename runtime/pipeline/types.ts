import type { NormalizedBox } from '../../models/types';

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

/** A frame's size in pixels (the camera's detect size unless said otherwise). */
export interface FrameSize {
  width: number;
  height: number;
}

/** Why the detector looks at a region: motion in it, a tracked object's predicted position, or everything. */
export type RegionReason = 'motion' | 'tracked' | 'full';

/**
 * A rectangle of the frame in whole pixels for the detector to look at. Square (width === height),
 * except the whole-frame fallback. Same shape as `PixelRegion`, so it can be cropped directly.
 */
export interface DetectionRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  reason: RegionReason;
}
