import type { Detection } from '../../../hal/accel/types';
import { iou } from '../geometry';

/**
 * One detection per object after the regions' results are put together: where two detections of
 * the same label overlap with IoU ≥ `iouThreshold` (overlapping regions saw the same object), only
 * the higher-scoring one is kept (non-maximum suppression per label). Highest scores come first.
 */
export function mergeDetections(all: readonly Detection[], iouThreshold = 0.5): Detection[] {
  const byScore = all.slice().sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of byScore) {
    const duplicate = kept.some(
      (other) => other.label === candidate.label && iou(other.box, candidate.box) >= iouThreshold,
    );
    if (!duplicate) kept.push(candidate);
  }
  return kept;
}
