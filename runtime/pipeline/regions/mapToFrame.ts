import { clamp } from '../../../base/geometry';
import type { Detection, NormalizedBox } from '../../../models/types';
import type { DetectionRegion, FrameSize } from '../types';

/**
 * Detections the detector found in a region (boxes as fractions of the region) with their boxes
 * turned into fractions of the whole frame, clamped to it. Labels and scores are kept.
 */
export function mapToFrame(
  detections: readonly Detection[],
  region: DetectionRegion,
  frame: FrameSize,
): Detection[] {
  const scaleX = region.width / frame.width;
  const scaleY = region.height / frame.height;
  const offsetX = region.x / frame.width;
  const offsetY = region.y / frame.height;
  return detections.map((detection) => ({
    label: detection.label,
    score: detection.score,
    box: [
      clamp(offsetX + detection.box[0] * scaleX, 0, 1),
      clamp(offsetY + detection.box[1] * scaleY, 0, 1),
      clamp(offsetX + detection.box[2] * scaleX, 0, 1),
      clamp(offsetY + detection.box[3] * scaleY, 0, 1),
    ],
  }));
}

/** A region as a box in fractions of the frame (what `ObjectTracker.update` takes as `searched`). */
export function regionToBox(region: DetectionRegion, frame: FrameSize): NormalizedBox {
  return [
    region.x / frame.width,
    region.y / frame.height,
    (region.x + region.width) / frame.width,
    (region.y + region.height) / frame.height,
  ];
}
