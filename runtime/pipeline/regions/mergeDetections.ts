import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import type { Detection } from '../../../models/types';

/**
 * One detection per object after the regions' results are put together: where two detections of
 * the same label overlap with IoU ≥ `iouThreshold` (overlapping regions saw the same object), only
 * the higher-scoring one is kept. Highest scores come first.
 */
export function mergeDetections(all: readonly Detection[], iouThreshold = 0.5): Detection[] {
  return nonMaxSuppression(all, iouThreshold);
}
