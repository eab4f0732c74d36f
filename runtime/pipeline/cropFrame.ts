import type { RgbImage } from '../../base/image/rgbImage';

/** A rectangle in whole pixels of a frame. */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Copies a rectangle out of a packed RGB image (clamped to the image), row by row. */
export function cropRgb(image: RgbImage, region: PixelRegion): RgbImage {
  const x = clamp(Math.round(region.x), 0, image.width - 1);
  const y = clamp(Math.round(region.y), 0, image.height - 1);
  const width = clamp(Math.round(region.width), 1, image.width - x);
  const height = clamp(Math.round(region.height), 1, image.height - y);
  const data = new Uint8Array(width * height * 3);
  const rowBytes = width * 3;
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return { data, width, height };
}

/** The pixel rectangle of a normalised box, grown by `margin` (a fraction of its size) on each side. */
export function boxToRegion(
  box: readonly [number, number, number, number],
  image: { width: number; height: number },
  margin = 0,
): PixelRegion {
  const [x1, y1, x2, y2] = box;
  const dx = (x2 - x1) * margin;
  const dy = (y2 - y1) * margin;
  const left = clamp((x1 - dx) * image.width, 0, image.width);
  const top = clamp((y1 - dy) * image.height, 0, image.height);
  const right = clamp((x2 + dx) * image.width, 0, image.width);
  const bottom = clamp((y2 + dy) * image.height, 0, image.height);
  return { x: left, y: top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
