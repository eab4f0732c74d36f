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
export function intersectionOverUnion(a: ScoredBox, b: ScoredBox): number {
  const areaA = Math.max(0, a.x2 - a.x1) * Math.max(0, a.y2 - a.y1);
  const areaB = Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
  if (areaA <= 0 || areaB <= 0) return 0;
  const width = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const height = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const intersection = width * height;
  return intersection / (areaA + areaB - intersection);
}
