import type { WorkingGeometry } from './workingGeometry';

/**
 * Shrinks a packed rgb24 frame into `out` (one value per working pixel): each working pixel is
 * the mean luma (BT.601 weights) of its block, kept fractional so a later contrast stretch does
 * not magnify rounding steps into false motion. `rowSums` is scratch space of `geometry.width`
 * entries, passed in so nothing is allocated per frame.
 */
export function downscaleToGray(
  rgb: Uint8Array,
  geometry: WorkingGeometry,
  out: Float32Array,
  rowSums: Uint32Array,
): void {
  const { width, height, columnStarts, rowStarts, frameWidth } = geometry;
  const stride = frameWidth * 3;
  for (let wy = 0; wy < height; wy++) {
    rowSums.fill(0);
    const yStart = rowStarts[wy] as number;
    const yEnd = rowStarts[wy + 1] as number;
    for (let y = yStart; y < yEnd; y++) {
      let p = y * stride;
      for (let wx = 0; wx < width; wx++) {
        const xEnd = columnStarts[wx + 1] as number;
        let sum = 0;
        for (let x = columnStarts[wx] as number; x < xEnd; x++) {
          sum += 77 * (rgb[p] as number) + 150 * (rgb[p + 1] as number) + 29 * (rgb[p + 2] as number);
          p += 3;
        }
        rowSums[wx] = (rowSums[wx] as number) + sum;
      }
    }
    const rows = yEnd - yStart;
    const base = wy * width;
    for (let wx = 0; wx < width; wx++) {
      const count = rows * ((columnStarts[wx + 1] as number) - (columnStarts[wx] as number));
      // The luma weights sum to 256.
      out[base + wx] = (rowSums[wx] as number) / (count * 256);
    }
  }
}

/** Limited-range luma (16 black, 235 white) stretched to the 0–255 grey levels of the rgb24 path. */
const LUMA_BLACK = 16;
const LUMA_GAIN = 255 / 219;

/**
 * The same working image from a frame's luma (Y) plane, one byte per pixel: a third of the bytes
 * of rgb24 and no weighting. Limited range is stretched to full range so `threshold` means the
 * same grey levels whichever way the frame arrived.
 */
export function downscaleLumaToGray(
  luma: Uint8Array,
  geometry: WorkingGeometry,
  out: Float32Array,
  rowSums: Uint32Array,
): void {
  const { width, height, columnStarts, rowStarts, frameWidth } = geometry;
  for (let wy = 0; wy < height; wy++) {
    rowSums.fill(0);
    const yStart = rowStarts[wy] as number;
    const yEnd = rowStarts[wy + 1] as number;
    for (let y = yStart; y < yEnd; y++) {
      let p = y * frameWidth;
      for (let wx = 0; wx < width; wx++) {
        const xEnd = columnStarts[wx + 1] as number;
        let sum = 0;
        for (let x = columnStarts[wx] as number; x < xEnd; x++) sum += luma[p++] as number;
        rowSums[wx] = (rowSums[wx] as number) + sum;
      }
    }
    const rows = yEnd - yStart;
    const base = wy * width;
    for (let wx = 0; wx < width; wx++) {
      const count = rows * ((columnStarts[wx + 1] as number) - (columnStarts[wx] as number));
      out[base + wx] = ((rowSums[wx] as number) / count - LUMA_BLACK) * LUMA_GAIN;
    }
  }
}
