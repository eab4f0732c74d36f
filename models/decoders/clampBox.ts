import type { NormalizedBox } from '../types';

/** Clamps a box to 0..1; null when nothing of it is left (zero or negative width or height). */
export function clampBox(box: NormalizedBox): NormalizedBox | null {
  const clamped: NormalizedBox = [clamp01(box[0]), clamp01(box[1]), clamp01(box[2]), clamp01(box[3])];
  return clamped[2] > clamped[0] && clamped[3] > clamped[1] ? clamped : null;
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
