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
 * same grey levels whichever way the frame arrived. Blocks a multiple of 4 pixels wide (640×360
 * to 160×90: 4) are summed 4 bytes per read (see `sumLumaWords`), the same sums at about a third
 * of the cost; other sizes byte by byte.
 */
export function downscaleLumaToGray(
  luma: Uint8Array,
  geometry: WorkingGeometry,
  out: Float32Array,
  rowSums: Uint32Array,
): void {
  if (!sumLumaWords(luma, geometry, rowSums, out)) sumLumaBytes(luma, geometry, rowSums, out);
}

/** Limited-range mean luma of a block (sum over count pixels) as a full-range grey level. */
function grey(sum: number, count: number): number {
  return (sum / count - LUMA_BLACK) * LUMA_GAIN;
}

function sumLumaBytes(
  luma: Uint8Array,
  geometry: WorkingGeometry,
  rowSums: Uint32Array,
  out: Float32Array,
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
      out[base + wx] = grey(rowSums[wx] as number, count);
    }
  }
}

/**
 * Packed lanes hold at most 65,535 each: 510 per word read (two bytes per lane), so a block may
 * take up to 128 word reads (e.g. 4 × 32 rows, or 8 × 16) before a lane could carry into the next.
 */
const MAX_WORDS_PER_BLOCK = 128;

/**
 * {@link sumLumaBytes} reading the plane as 32-bit words when every block is the same whole number
 * of words wide and the plane starts on a word boundary (a frame buffer of its own does): each
 * word's four bytes are added as two 16-bit lanes (bytes 0 + 1 and 2 + 3 of the masked halves), and
 * the lanes are split once per block, so the sums are exact. False when the layout does not allow
 * it (nothing written then).
 */
function sumLumaWords(
  luma: Uint8Array,
  geometry: WorkingGeometry,
  rowSums: Uint32Array,
  out: Float32Array,
): boolean {
  const { width, height, rowStarts, frameWidth, frameHeight } = geometry;
  const blockWidth = frameWidth / width;
  if (blockWidth % 4 !== 0 || luma.byteOffset % 4 !== 0) return false;
  const wordsPerBlock = blockWidth / 4;
  let tallest = 0;
  for (let wy = 0; wy < height; wy++)
    tallest = Math.max(tallest, (rowStarts[wy + 1] as number) - (rowStarts[wy] as number));
  if (wordsPerBlock * tallest > MAX_WORDS_PER_BLOCK) return false;
  const words = new Uint32Array(luma.buffer, luma.byteOffset, (frameWidth * frameHeight) / 4);
  const wordsPerRow = frameWidth / 4;
  for (let wy = 0; wy < height; wy++) {
    rowSums.fill(0);
    const yStart = rowStarts[wy] as number;
    const yEnd = rowStarts[wy + 1] as number;
    for (let y = yStart; y < yEnd; y++) {
      let p = y * wordsPerRow;
      for (let wx = 0; wx < width; wx++) {
        let lanes = 0;
        for (let k = 0; k < wordsPerBlock; k++) {
          const word = words[p++] as number;
          lanes += (word & 0x00ff00ff) + ((word >>> 8) & 0x00ff00ff);
        }
        rowSums[wx] = (rowSums[wx] as number) + lanes;
      }
    }
    const count = (yEnd - yStart) * blockWidth;
    const base = wy * width;
    for (let wx = 0; wx < width; wx++) {
      const lanes = rowSums[wx] as number;
      out[base + wx] = grey((lanes & 0xffff) + (lanes >>> 16), count);
    }
  }
  return true;
}
