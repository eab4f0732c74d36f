import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { PixelBox } from '../types';

/** Largest side an uploaded or enrolled image is decoded at; bigger photos are scaled down first. */
const MAX_DECODE_SIDE = 2048;

/**
 * Decodes a JPEG/PNG/WebP (file path or bytes) to packed RGB, applying its EXIF orientation.
 * Photos larger than 2048 px are scaled down: enrollment needs the face, not 24 megapixels.
 * Rejects with sharp's message when the bytes are not an image it can read.
 */
export async function decodeImage(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input, { failOn: 'error' })
    .rotate()
    .resize({ width: MAX_DECODE_SIDE, height: MAX_DECODE_SIDE, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3 (RGB)`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/** A JPEG of `box` (clamped to the image) scaled to fit `maxSide`, for thumbnails and unknown-face crops. */
export async function encodeCropJpeg(
  image: RgbImage,
  box: PixelBox,
  maxSide = 160,
  quality = 80,
): Promise<Buffer> {
  const left = clampInt(box.x1, 0, image.width - 1);
  const top = clampInt(box.y1, 0, image.height - 1);
  const width = clampInt(box.x2, left + 1, image.width) - left;
  const height = clampInt(box.y2, top + 1, image.height) - top;
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality })
    .toBuffer();
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
