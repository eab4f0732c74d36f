/**
 * Planar YUV 4:2:0 (ffmpeg's `yuv420p`): the full-size luma plane, then the U and V planes at half
 * the width and height (rounded up), no row padding. Limited ("TV") range, as cameras send it.
 */
export function yuv420pBytes(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

// BT.601 limited range in 16.16 fixed point, the matrix ffmpeg's swscale uses for yuv420p → rgb24
// unless told otherwise, so a converted frame matches what ffmpeg's own rgb24 output would be.
const Y_SCALE = Math.round(1.164383 * 65536);
const V_TO_R = Math.round(1.596027 * 65536);
const U_TO_G = Math.round(0.391762 * 65536);
const V_TO_G = Math.round(0.812968 * 65536);
const U_TO_B = Math.round(2.017232 * 65536);
const HALF = 32768;

/**
 * Converts a `yuv420p` image to packed rgb24 (`width * height * 3` bytes in `out`). Each chroma
 * sample covers a 2×2 block of pixels (nearest, no interpolation): a few milliseconds for a
 * 640×360 frame, paid only for frames something needs in colour.
 */
export function yuv420pToRgb24(yuv: Uint8Array, width: number, height: number, out: Uint8Array): void {
  const chromaWidth = Math.ceil(width / 2);
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * Math.ceil(height / 2);
  // Stores through a clamped view saturate at 0 and 255 by themselves.
  const rgb = new Uint8ClampedArray(out.buffer, out.byteOffset, width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const lumaRow = y * width;
    const chromaRow = (y >> 1) * chromaWidth;
    for (let x = 0; x < width; x++) {
      const c = chromaRow + (x >> 1);
      const luma = ((yuv[lumaRow + x] as number) - 16) * Y_SCALE + HALF;
      const u = (yuv[uPlane + c] as number) - 128;
      const v = (yuv[vPlane + c] as number) - 128;
      rgb[o] = (luma + V_TO_R * v) >> 16;
      rgb[o + 1] = (luma - U_TO_G * u - V_TO_G * v) >> 16;
      rgb[o + 2] = (luma + U_TO_B * u) >> 16;
      o += 3;
    }
  }
}
