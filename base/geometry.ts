/**
 * Box helpers. Boxes are [x1, y1, x2, y2]; the functions do not care whether the units are
 * pixels or fractions of an image.
 */
export type Box = readonly [number, number, number, number];

/** Area of a box; 0 for an empty or inverted one. */
export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

/** Area of the overlap of two boxes; 0 when they do not overlap. */
export function intersectionArea(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return width <= 0 || height <= 0 ? 0 : width * height;
}

/** Intersection over union of two boxes; 0 when they do not overlap. */
export function iou(a: Box, b: Box): number {
  return iouOf(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
}

/** Intersection over union of two boxes given as loose coordinates (no tuple needed on hot paths). */
export function iouOf(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
): number {
  const width = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const height = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union =
    Math.max(0, ax2 - ax1) * Math.max(0, ay2 - ay1) +
    Math.max(0, bx2 - bx1) * Math.max(0, by2 - by1) -
    intersection;
  return union <= 0 ? 0 : intersection / union;
}

/** `value` limited to [min, max]. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
