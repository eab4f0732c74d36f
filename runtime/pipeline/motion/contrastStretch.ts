/** Share of pixels allowed to clip at each end when contrast is stretched (Frigate uses 4 %). */
const CLIP_FRACTION = 0.04;
/** Below this spread (grey levels) the image is flat: there is nothing to stretch. */
const MIN_SPREAD = 4;
/**
 * Largest gain applied. Stretching also multiplies sensor noise; beyond about 8× a dark,
 * noisy image starts to show noise as motion at usual thresholds.
 */
const MAX_GAIN = 8;

/**
 * Stretches `gray` (values 0..255) in place so the 4th..96th percentiles of its unmasked pixels
 * span 0..255, gain capped at 8×; helps a dark night image where every change is a few grey
 * levels. Percentiles are interpolated within histogram bins so the mapping does not jump a
 * whole level between frames of the same scene. `histogram` is 256 entries of scratch space.
 * Returns false (image untouched) when the image is too flat to stretch.
 */
export function stretchContrast(gray: Float32Array, mask: Uint8Array, histogram: Uint32Array): boolean {
  histogram.fill(0);
  let counted = 0;
  for (let i = 0; i < gray.length; i++) {
    if (mask[i] === 0) {
      const bin = Math.min(255, gray[i] as number) | 0;
      histogram[bin] = (histogram[bin] as number) + 1;
      counted++;
    }
  }
  if (counted === 0) return false;
  const clip = counted * CLIP_FRACTION;
  const low = percentileLevel(histogram, clip);
  const high = percentileLevel(histogram, counted - clip);
  if (high - low < MIN_SPREAD) return false;
  const gain = Math.min(MAX_GAIN, 255 / (high - low));
  // Centre the stretched range when the gain is capped, so neither end clips more than needed.
  const offset = 127.5 - ((low + high) / 2) * gain;
  for (let i = 0; i < gray.length; i++) {
    const value = (gray[i] as number) * gain + offset;
    gray[i] = Math.min(255, Math.max(0, value));
  }
  return true;
}

/** The grey level below which `rank` pixels lie, interpolating linearly inside a bin. */
function percentileLevel(histogram: Uint32Array, rank: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    const inBin = histogram[v] as number;
    if (seen + inBin >= rank && inBin > 0) return v + (rank - seen) / inBin;
    seen += inBin;
  }
  return 256;
}
