import { type Box, iou } from './geometry';

/** What non-maximum suppression ranks: a box and its score, with a label when it has one. */
export interface ScoredBox {
  readonly box: Box;
  readonly score: number;
  /** Boxes of different labels never suppress each other (a person on a bicycle keeps both). */
  readonly label?: string;
}

/**
 * Greedy non-maximum suppression: highest score first; a box overlapping a kept box of the same
 * label by at least `iouThreshold` is dropped. Returns the survivors, best first, at most
 * `maxOutputs` of them. Used by the model decoders, across overlapping regions of one frame, and
 * by face detection.
 */
export function nonMaxSuppression<T extends ScoredBox>(
  items: readonly T[],
  iouThreshold: number,
  maxOutputs = Number.POSITIVE_INFINITY,
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxOutputs) break;
    const overlapsKept = kept.some(
      (k) => k.label === candidate.label && iou(k.box, candidate.box) >= iouThreshold,
    );
    if (!overlapsKept) kept.push(candidate);
  }
  return kept;
}
