import { closeSync, openSync, readSync } from 'node:fs';

/** The formats a face photo may be in; anything else is refused before a decoder sees it. */
export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/** Bytes enough to tell the formats apart. */
const SNIFF_BYTES = 12;

/**
 * The format of an image from its first bytes (its magic number), or null for anything other than
 * JPEG, PNG or WebP. The decoder (libvips) would also read SVG, TIFF, GIF, HEIF, PDF…: each more
 * code facing untrusted bytes, and SVG can ask for any size and any amount of filtering.
 */
export function photoFormat(head: Uint8Array): PhotoFormat | null {
  const starts = (bytes: number[], at = 0) => bytes.every((byte, i) => head[at + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  // RIFF <size> WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  return null;
}

/** The first bytes of `input`: of the buffer, or read from the file (a missing file throws ENOENT). */
export function headOf(input: string | Buffer): Uint8Array {
  if (typeof input !== 'string') return input.subarray(0, SNIFF_BYTES);
  const head = Buffer.alloc(SNIFF_BYTES);
  const fd = openSync(input, 'r');
  try {
    const read = readSync(fd, head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
