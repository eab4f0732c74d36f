/** Packed RGB pixels (3 bytes each, no row padding). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}
