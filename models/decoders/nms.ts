import type { Detection, NormalizedBox } from '../../hal/accel/types';

/** Intersection over union of two [x1, y1, x2, y2] boxes; 0 when either is empty. */
export function intersectionOverUnion(a: NormalizedBox, b: NormalizedBox): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Greedy non-maximum suppression, per label: of boxes with the same label that overlap by more
 * than `iouThreshold`, only the highest-scoring one stays. Boxes of different labels never
 * suppress each other (a person on a bicycle keeps both). Returns the survivors, best first.
 */
export function nonMaxSuppression(detections: readonly Detection[], iouThreshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    const overlapsKept = kept.some(
      (k) => k.label === candidate.label && intersectionOverUnion(k.box, candidate.box) > iouThreshold,
    );
    if (!overlapsKept) kept.push(candidate);
  }
  return kept;
}
