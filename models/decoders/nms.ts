import type { Detection } from '../../hal/accel/types';
import { iou } from '../../runtime/events/geometry';

/**
 * Greedy non-maximum suppression, per label: of boxes with the same label that overlap by at least
 * `iouThreshold`, only the highest-scoring one stays. Boxes of different labels never suppress each
 * other (a person on a bicycle keeps both). Returns the survivors, best first. Used by the decoders
 * and, across overlapping regions of one frame, by the camera pipeline.
 */
export function nonMaxSuppression(detections: readonly Detection[], iouThreshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    const overlapsKept = kept.some(
      (k) => k.label === candidate.label && iou(k.box, candidate.box) >= iouThreshold,
    );
    if (!overlapsKept) kept.push(candidate);
  }
  return kept;
}
