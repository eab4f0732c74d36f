import { iouOf } from '../../pipeline/geometry';

/** An axis-aligned box with a score. */
export interface ScoredBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
}

/**
 * Greedy non-maximum suppression like `tf.image.nonMaxSuppression`: highest score first, dropping
 * any box overlapping a kept one by more than `iouThreshold`, at most `maxOutputs` kept.
 */
export function nonMaxSuppression<T extends ScoredBox>(
  boxes: T[],
  maxOutputs: number,
  iouThreshold: number,
): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const box of sorted) {
    if (kept.length >= maxOutputs) break;
    if (kept.every((other) => intersectionOverUnion(box, other) <= iouThreshold)) kept.push(box);
  }
  return kept;
}

/** Intersection over union of two boxes; 0 when either is empty. */
function intersectionOverUnion(a: ScoredBox, b: ScoredBox): number {
  return iouOf(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1, b.x2, b.y2);
}
