/**
 * 3×3 binary dilation of `source` into `out` (both width×height, values 0/1), done as a
 * horizontal then a vertical pass through `scratch`. Pixels where `mask` is set stay 0, so a blob
 * never grows into, or joins another across, a masked area. Joins the parts of one moving body
 * (head, torso, legs) that thresholding left a pixel apart.
 */
export function dilate3x3(
  source: Uint8Array,
  mask: Uint8Array,
  width: number,
  height: number,
  scratch: Uint8Array,
  out: Uint8Array,
): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      scratch[i] =
        (source[i] as number) |
        (x > 0 ? (source[i - 1] as number) : 0) |
        (x < width - 1 ? (source[i + 1] as number) : 0);
    }
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      out[i] =
        mask[i] === 0
          ? (scratch[i] as number) |
            (y > 0 ? (scratch[i - width] as number) : 0) |
            (y < height - 1 ? (scratch[i + width] as number) : 0)
          : 0;
    }
  }
}
