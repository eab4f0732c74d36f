import type { RgbImage } from '../../../base/image/rgbImage';
import type { NormalizedBox } from '../../../models/types';

/** Numbers in one appearance: the mean red, green and blue of the upper body, then of the legs. */
export const APPEARANCE_SIZE = 6;
/** Sample points per row and rows per part: a 20-40 px wide person is read on a coarse grid. */
const COLUMNS = 4;
const ROWS = 6;
/** The parts, as fractions of the box height, and the share of its width read (the middle, not the background beside a walker). */
const UPPER: readonly [number, number] = [0.15, 0.5];
const LOWER: readonly [number, number] = [0.55, 0.9];
const MIDDLE_WIDTH = 0.5;

/**
 * A person's colours, cheaply: the mean colour of the upper body and of the legs, sampled on a
 * small grid in the middle of the box. Two people walking side by side or crossing are usually
 * dressed differently somewhere (a red jacket, light trousers), which position and size alone
 * cannot tell; this lets the matcher keep each on their own track. Writes `APPEARANCE_SIZE`
 * numbers (0-255) into `out` at `offset`.
 */
export function measureAppearance(
  image: RgbImage,
  box: NormalizedBox,
  out: Float64Array,
  offset: number,
): void {
  const { data, width, height } = image;
  const cx = ((box[0] + box[2]) / 2) * width;
  const halfWidth = ((box[2] - box[0]) * width * MIDDLE_WIDTH) / 2;
  const top = box[1] * height;
  const boxHeight = (box[3] - box[1]) * height;
  for (const [part, [from, to]] of [UPPER, LOWER].entries()) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let row = 0; row < ROWS; row++) {
      const y = clampIndex(top + boxHeight * (from + ((to - from) * (row + 0.5)) / ROWS), height);
      for (let column = 0; column < COLUMNS; column++) {
        const x = clampIndex(cx - halfWidth + (2 * halfWidth * (column + 0.5)) / COLUMNS, width);
        const at = (y * width + x) * 3;
        r += data[at] as number;
        g += data[at + 1] as number;
        b += data[at + 2] as number;
      }
    }
    const samples = ROWS * COLUMNS;
    out[offset + part * 3] = r / samples;
    out[offset + part * 3 + 1] = g / samples;
    out[offset + part * 3 + 2] = b / samples;
  }
}

/** The mean absolute difference of two appearances, 0-255. */
export function appearanceDistance(
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
): number {
  let sum = 0;
  for (let i = 0; i < APPEARANCE_SIZE; i++)
    sum += Math.abs((a[aOffset + i] as number) - (b[bOffset + i] as number));
  return sum / APPEARANCE_SIZE;
}

function clampIndex(value: number, size: number): number {
  return Math.min(size - 1, Math.max(0, Math.floor(value)));
}
