import { laplacianVariance } from '../../../base/image/laplacianVariance';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { PixelBox } from '../types';

/** Side of the grey square a face is measured at, so faces of any size score on one scale. */
const SHARPNESS_SIZE = 64;

/**
 * Variance of the Laplacian of the face inside `box`, resampled to a 64×64 grey square (each output
 * pixel averages up to 4×4 bilinear samples, so big faces are area-downscaled rather than aliased).
 * Sharp faces have strong edges and score high; blurred ones score low.
 */
export function faceSharpness(image: RgbImage, box: PixelBox): number {
  return laplacianVariance(greySquare(image, box, SHARPNESS_SIZE), SHARPNESS_SIZE, SHARPNESS_SIZE);
}

function greySquare(image: RgbImage, box: PixelBox, side: number): Float32Array {
  const x1 = clamp(box.x1, 0, image.width - 1);
  const y1 = clamp(box.y1, 0, image.height - 1);
  const x2 = clamp(box.x2, x1 + 1, image.width);
  const y2 = clamp(box.y2, y1 + 1, image.height);
  const cell = Math.max((x2 - x1) / side, (y2 - y1) / side);
  const taps = clamp(Math.ceil(cell), 1, 4);
  const stepX = (x2 - x1) / side;
  const stepY = (y2 - y1) / side;
  const out = new Float32Array(side * side);
  for (let oy = 0; oy < side; oy++) {
    for (let ox = 0; ox < side; ox++) {
      let total = 0;
      for (let ty = 0; ty < taps; ty++) {
        const sy = y1 + (oy + (ty + 0.5) / taps) * stepY - 0.5;
        for (let tx = 0; tx < taps; tx++) {
          const sx = x1 + (ox + (tx + 0.5) / taps) * stepX - 0.5;
          total += greyAt(image, sx, sy);
        }
      }
      out[oy * side + ox] = total / (taps * taps);
    }
  }
  return out;
}

/** Bilinear grey (BT.601 luma) at a fractional pixel position, clamped to the image. */
function greyAt(image: RgbImage, x: number, y: number): number {
  const cx = clamp(x, 0, image.width - 1);
  const cy = clamp(y, 0, image.height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, image.width - 1);
  const y1 = Math.min(y0 + 1, image.height - 1);
  const wx = cx - x0;
  const wy = cy - y0;
  const top = luma(image, x0, y0) * (1 - wx) + luma(image, x1, y0) * wx;
  const bottom = luma(image, x0, y1) * (1 - wx) + luma(image, x1, y1) * wx;
  return top * (1 - wy) + bottom * wy;
}

function luma(image: RgbImage, x: number, y: number): number {
  const i = (y * image.width + x) * 3;
  const d = image.data;
  return 0.299 * (d[i] ?? 0) + 0.587 * (d[i + 1] ?? 0) + 0.114 * (d[i + 2] ?? 0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
