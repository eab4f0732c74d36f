import type { RgbImage } from '../../../base/image/rgbImage';
import type { PixelBox } from '../types';

/** Maps a pixel value (0..255) to what a model expects: `value * scale + offset`. */
export interface PixelScale {
  scale: number;
  offset: number;
}

/** One output column (or row): its two source neighbours (-1: reads as 0) and the weight of the second. */
interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  weight: Float32Array;
}

/**
 * Pads the image to a centred square of side `side` (black), then resizes it to `size`×`size` like
 * `tf.image.resizeBilinear` (no corner alignment, no half-pixel centres). Returns NHWC floats.
 */
export function resizePaddedSquare(
  image: RgbImage,
  side: number,
  size: number,
  pixelScale: PixelScale,
): Float32Array {
  const padX = Math.floor((side - image.width) / 2);
  const padY = Math.floor((side - image.height) / 2);
  const columns = resizeTaps(size, side, padX, image.width);
  const rows = resizeTaps(size, side, padY, image.height);
  return sample(image, columns, rows, pixelScale);
}

/**
 * Crops `box` (pixels; may reach outside the image) and resizes it to `width`×`height` like
 * `tf.image.cropAndResize` with bilinear sampling: output pixels outside the image are 0.
 */
export function cropAndResize(
  image: RgbImage,
  box: PixelBox,
  width: number,
  height: number,
  pixelScale: PixelScale,
): Float32Array {
  const columns = cropTaps(width, box.x1 / image.width, box.x2 / image.width, image.width);
  const rows = cropTaps(height, box.y1 / image.height, box.y2 / image.height, image.height);
  return sample(image, columns, rows, pixelScale);
}

function resizeTaps(outSize: number, inSize: number, pad: number, imageSize: number): Taps {
  const taps = newTaps(outSize);
  const step = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const source = i * step;
    const lo = Math.floor(source);
    const hi = Math.min(lo + 1, inSize - 1);
    taps.lo[i] = inside(lo - pad, imageSize);
    taps.hi[i] = inside(hi - pad, imageSize);
    taps.weight[i] = source - lo;
  }
  return taps;
}

/** tf's crop_and_resize: in = start·(size-1) + i·(end-start)·(size-1)/(out-1); outside [0, size-1] is extrapolated as 0. */
function cropTaps(outSize: number, start: number, end: number, imageSize: number): Taps {
  const taps = newTaps(outSize);
  const step = outSize > 1 ? ((end - start) * (imageSize - 1)) / (outSize - 1) : 0;
  for (let i = 0; i < outSize; i++) {
    const source = outSize > 1 ? start * (imageSize - 1) + i * step : 0.5 * (start + end) * (imageSize - 1);
    if (source < 0 || source > imageSize - 1) {
      taps.lo[i] = -1;
      taps.hi[i] = -1;
      continue;
    }
    const lo = Math.floor(source);
    taps.lo[i] = lo;
    taps.hi[i] = Math.ceil(source);
    taps.weight[i] = source - lo;
  }
  return taps;
}

function newTaps(size: number): Taps {
  return { lo: new Int32Array(size), hi: new Int32Array(size), weight: new Float32Array(size) };
}

function inside(index: number, size: number): number {
  return index >= 0 && index < size ? index : -1;
}

function sample(image: RgbImage, columns: Taps, rows: Taps, { scale, offset }: PixelScale): Float32Array {
  const width = columns.lo.length;
  const height = rows.lo.length;
  const out = new Float32Array(width * height * 3);
  const data = image.data;
  const stride = image.width * 3;
  // A row or column read outside the image contributes 0 (a black pixel), like tf's zero padding.
  const read = (rowStart: number, column: number, channel: number): number =>
    rowStart < 0 || column < 0 ? 0 : (data[rowStart + column * 3 + channel] ?? 0);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const top = rows.lo[y] ?? -1;
    const bottom = rows.hi[y] ?? -1;
    const topStart = top < 0 ? -1 : top * stride;
    const bottomStart = bottom < 0 ? -1 : bottom * stride;
    const wy = rows.weight[y] ?? 0;
    for (let x = 0; x < width; x++) {
      const left = columns.lo[x] ?? -1;
      const right = columns.hi[x] ?? -1;
      const wx = columns.weight[x] ?? 0;
      for (let c = 0; c < 3; c++) {
        const upper = read(topStart, left, c) * (1 - wx) + read(topStart, right, c) * wx;
        const lower = read(bottomStart, left, c) * (1 - wx) + read(bottomStart, right, c) * wx;
        out[o++] = (upper * (1 - wy) + lower * wy) * scale + offset;
      }
    }
  }
  return out;
}
