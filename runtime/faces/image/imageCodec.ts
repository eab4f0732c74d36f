import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { PixelBox } from '../types';
import { headOf, photoFormat } from './imageFormat';

/** Largest side an uploaded or enrolled image is decoded at; bigger photos are scaled down first. */
const MAX_DECODE_SIDE = 2048;

/**
 * The most pixels a photo may have, checked from its header before anything is decoded. 40 MP is
 * more than any phone or camera photo (a 12 MP phone, a 24-36 MP camera), while an image bomb is
 * far past it: a 16000×16000 PNG of 0.75 MB is 256 MP, 770 MB once decoded to RGB.
 */
const MAX_INPUT_PIXELS = 40_000_000;

/** Why a photo was refused before decoding: not one of the formats taken, or too many pixels. */
export class ImageRejectedError extends Error {
  constructor(
    readonly kind: 'unsupported_media_type' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ImageRejectedError';
  }
}

/**
 * Decodes a JPEG/PNG/WebP (file path or bytes) to packed RGB, applying its EXIF orientation.
 * Photos larger than 2048 px are scaled down: enrollment needs the face, not 24 megapixels.
 * Refuses ({@link ImageRejectedError}) any other format by its magic bytes, and a photo of more
 * than {@link MAX_INPUT_PIXELS} by its header, both before decoding; rejects with sharp's message
 * when the bytes are not an image it can read.
 */
export async function decodeImage(input: string | Buffer): Promise<RgbImage> {
  if (photoFormat(headOf(input)) === null) {
    throw new ImageRejectedError(
      'unsupported_media_type',
      'is not a JPEG, PNG or WebP image (other formats, such as SVG, TIFF or GIF, are not accepted)',
    );
  }
  // The header only (no pixel is decoded), without sharp's limit, so the answer can give the size.
  const { width = 0, height = 0 } = await sharp(input, {
    failOn: 'error',
    limitInputPixels: false,
  }).metadata();
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ImageRejectedError(
      'invalid',
      `is ${width}×${height} pixels, more than the ${MAX_INPUT_PIXELS / 1_000_000} megapixels accepted — scale it down`,
    );
  }
  const { data, info } = await sharp(input, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
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
