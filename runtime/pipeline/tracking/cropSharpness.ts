import { laplacianVariance } from '../../../base/image/laplacianVariance';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { NormalizedBox } from '../../../models/types';

/** Longest side, in samples, of the gray crop the Laplacian runs on: enough to tell blur, cheap on a Pi. */
const MAX_SAMPLES = 96;

/** Gray samples of the last crop; reused across calls so a per-frame call allocates nothing. */
let gray = new Float32Array(MAX_SAMPLES * MAX_SAMPLES);

/**
 * How sharp the image is inside `box` (fractions of the image): the variance of the 4-neighbour
 * Laplacian of the gray crop, downsampled to at most 96 samples a side (each sample the mean of a
 * 2×2 block when downsampling, to keep noise from aliasing into "detail"). 0 for a flat or tiny crop;
 * typical values run from a few (blurred) to hundreds (crisp edges).
 */
export function sharpness(image: RgbImage, box: NormalizedBox): number {
  const x0 = clampInt(Math.floor(box[0] * image.width), 0, image.width);
  const y0 = clampInt(Math.floor(box[1] * image.height), 0, image.height);
  const x1 = clampInt(Math.ceil(box[2] * image.width), 0, image.width);
  const y1 = clampInt(Math.ceil(box[3] * image.height), 0, image.height);
  const step = Math.max(1, Math.ceil(Math.max(x1 - x0, y1 - y0) / MAX_SAMPLES));
  const columns = Math.floor((x1 - x0) / step);
  const rows = Math.floor((y1 - y0) / step);
  if (columns < 3 || rows < 3) return 0;
  sampleGray(image, x0, y0, step, columns, rows);
  return laplacianVariance(gray, columns, rows);
}

/** Fills `gray` with `columns × rows` luma samples, `step` pixels apart, starting at (x0, y0). */
function sampleGray(
  image: RgbImage,
  x0: number,
  y0: number,
  step: number,
  columns: number,
  rows: number,
): void {
  if (gray.length < columns * rows) gray = new Float32Array(columns * rows);
  const data = image.data;
  const stride = image.width * 3;
  const average = step > 1;
  for (let row = 0; row < rows; row++) {
    let offset = (y0 + row * step) * stride + x0 * 3;
    for (let column = 0; column < columns; column++, offset += step * 3) {
      let luma = luminance(data, offset);
      if (average) {
        luma =
          (luma +
            luminance(data, offset + 3) +
            luminance(data, offset + stride) +
            luminance(data, offset + stride + 3)) /
          4;
      }
      gray[row * columns + column] = luma;
    }
  }
}

/** BT.601 luma of the pixel at byte `offset`. */
function luminance(data: Uint8Array, offset: number): number {
  return (
    0.299 * (data[offset] as number) +
    0.587 * (data[offset + 1] as number) +
    0.114 * (data[offset + 2] as number)
  );
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
