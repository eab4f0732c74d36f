import { boxArea, intersectionArea } from '../../../base/geometry';
import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import type { Detection } from '../../../models/types';

/**
 * Share of the smaller of two same-label boxes lying inside the other from which they are one
 * object. IoU misses these pairs: a torso boxed inside the whole person, half a person cut by a
 * region's edge beside the whole one seen by the next region, or one box around a pair beside each
 * of them (72-76 % of either person's box), all have an IoU of 0.3-0.5 with the box they repeat.
 * Each became a second track on a person already followed (on vtest some 60 such pairs in 30 s),
 * and so a second incident. From a camera mounted above them, two people are seldom this much
 * inside each other's box; people walking side by side share less.
 */
const CONTAINED = 0.7;

/**
 * One detection per object after the regions' results are put together: where two detections of
 * the same label overlap with IoU ≥ `iouThreshold` (overlapping regions saw the same object), or
 * the smaller lies `CONTAINED` inside the other (a part of it, or a box around it and a
 * neighbour), only the higher-scoring one is kept. Highest scores come first.
 */
export function mergeDetections(all: readonly Detection[], iouThreshold = 0.5): Detection[] {
  const kept: Detection[] = [];
  for (const candidate of nonMaxSuppression(all, iouThreshold)) {
    const area = boxArea(candidate.box);
    const repeats = kept.some(
      (k) =>
        k.label === candidate.label &&
        intersectionArea(k.box, candidate.box) >= CONTAINED * Math.min(area, boxArea(k.box)),
    );
    if (!repeats) kept.push(candidate);
  }
  return kept;
}
