import type { NormalizedBox } from '../../../models/types';
import type { PixelBox } from '../types';

/** How much human grows blazeface's box before cropping the face (`face.detector.scale`). */
const FACE_CROP_SCALE = 1.4;

/**
 * The crop human takes for the face models: the box grown by `scale` around its centre
 * (`enlargeBox`), then made square on its longer side with rounded corners (`squarifyBox`).
 */
export function faceCropBox(box: PixelBox, scale = FACE_CROP_SCALE): PixelBox {
  const centerX = (box.x1 + box.x2) / 2;
  const centerY = (box.y1 + box.y2) / 2;
  const half = (Math.max(Math.abs(box.x2 - box.x1), Math.abs(box.y2 - box.y1)) * scale) / 2;
  return {
    x1: Math.round(centerX - half),
    y1: Math.round(centerY - half),
    x2: Math.round(centerX + half),
    y2: Math.round(centerY + half),
  };
}

/** A pixel box as fractions of the image, clamped to 0..1. */
export function normalizeBox(box: PixelBox, width: number, height: number): NormalizedBox {
  return [
    clamp01(box.x1 / width),
    clamp01(box.y1 / height),
    clamp01(box.x2 / width),
    clamp01(box.y2 / height),
  ];
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
