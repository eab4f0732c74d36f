import type { NormalizedBox } from '../../../models/types';

/** What the region helpers need of a tracked object (an `ObjectTracker`'s `TrackedObject` has it). */
export interface RegionTrack {
  readonly serial: number;
  readonly stationary: boolean;
  predictedBox(timestamp: number): NormalizedBox;
}

/**
 * Whether a stationary object is due for a detector re-check on frame `frameNumber`: once every
 * `interval` frames, staggered by its serial so that parked cars are not all re-checked together.
 * Moving objects are looked at every frame anyway; `interval` ≤ 1 means every frame.
 */
export function isDueForRecheck(track: RegionTrack, frameNumber: number, interval: number): boolean {
  if (interval <= 1) return true;
  return (frameNumber + track.serial) % interval === 0;
}

/**
 * The boxes to grow tracked-object regions around on this frame: each moving object's predicted
 * box, and each stationary object's only when it is due for its periodic re-check (in between, the
 * tracker keeps it as long as `searched` tells it the detector did not look there).
 */
export function trackRegionBoxes(
  tracks: readonly RegionTrack[],
  timestamp: number,
  frameNumber: number,
  stationaryInterval: number,
): NormalizedBox[] {
  const boxes: NormalizedBox[] = [];
  for (const track of tracks) {
    if (track.stationary && !isDueForRecheck(track, frameNumber, stationaryInterval)) continue;
    boxes.push(track.predictedBox(timestamp));
  }
  return boxes;
}
