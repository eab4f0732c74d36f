import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { NormalizedBox } from '../../../models/types';

/** Grey used for the bars (YOLO's convention; CenterNet does not mind either). */
const PAD_GREY = 114;

/** Where the image went inside the model input, to map boxes back. */
export interface LetterboxPlacement {
  inputWidth: number;
  inputHeight: number;
  /** The image's size once scaled, and its top-left corner in the input, in input pixels. */
  scaledWidth: number;
  scaledHeight: number;
  left: number;
  top: number;
}

/**
 * Where an image of `width`×`height` lands in a model input of `inputWidth`×`inputHeight` when
 * scaled to fit without changing its aspect ratio and centred, with grey bars on the other axis.
 */
export function letterboxPlacement(
  width: number,
  height: number,
  inputWidth: number,
  inputHeight: number,
): LetterboxPlacement {
  const scale = Math.min(inputWidth / width, inputHeight / height);
  const scaledWidth = Math.min(inputWidth, Math.max(1, Math.round(width * scale)));
  const scaledHeight = Math.min(inputHeight, Math.max(1, Math.round(height * scale)));
  return {
    inputWidth,
    inputHeight,
    scaledWidth,
    scaledHeight,
    left: Math.floor((inputWidth - scaledWidth) / 2),
    top: Math.floor((inputHeight - scaledHeight) / 2),
  };
}

/**
 * Letterboxes an image into the model input size (packed RGB of inputWidth×inputHeight).
 * Letterbox rather than stretch: the COCO detectors were trained on undistorted images, and a
 * 16:9 frame squeezed into a square makes people look thin and scores drop.
 */
export async function letterbox(
  image: RgbImage,
  inputWidth: number,
  inputHeight: number,
): Promise<{ pixels: Uint8Array; placement: LetterboxPlacement }> {
  assertRgbImage(image);
  const placement = letterboxPlacement(image.width, image.height, inputWidth, inputHeight);
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  let pipeline = sharp(image.data, { raw });
  if (placement.scaledWidth !== image.width || placement.scaledHeight !== image.height) {
    pipeline = pipeline.resize(placement.scaledWidth, placement.scaledHeight, {
      fit: 'fill',
      kernel: 'linear',
    });
  }
  if (placement.scaledWidth !== inputWidth || placement.scaledHeight !== inputHeight) {
    pipeline = pipeline.extend({
      left: placement.left,
      top: placement.top,
      right: inputWidth - placement.scaledWidth - placement.left,
      bottom: inputHeight - placement.scaledHeight - placement.top,
      background: { r: PAD_GREY, g: PAD_GREY, b: PAD_GREY },
    });
  }
  const pixels = await pipeline.raw().toBuffer();
  if (pixels.length !== inputWidth * inputHeight * 3) {
    throw new Error(`letterbox produced ${pixels.length} bytes, expected ${inputWidth}×${inputHeight}×3`);
  }
  return { pixels, placement };
}

/** Maps a box from fractions of the model input back to fractions of the original image, clamped to 0..1. */
export function boxToImage(box: NormalizedBox, placement: LetterboxPlacement): NormalizedBox {
  const { inputWidth, inputHeight, scaledWidth, scaledHeight, left, top } = placement;
  const x = (value: number) => clamp01((value * inputWidth - left) / scaledWidth);
  const y = (value: number) => clamp01((value * inputHeight - top) / scaledHeight);
  return [x(box[0]), y(box[1]), x(box[2]), y(box[3])];
}

/** Rejects images whose buffer does not match their size, with a message saying what is wrong. */
export function assertRgbImage(image: RgbImage): void {
  if (
    !Number.isInteger(image.width) ||
    !Number.isInteger(image.height) ||
    image.width < 1 ||
    image.height < 1
  ) {
    throw new Error(`image size ${image.width}×${image.height} is not a positive whole number of pixels`);
  }
  if (image.data.length !== image.width * image.height * 3) {
    throw new Error(
      `image buffer has ${image.data.length} bytes; ${image.width}×${image.height} packed RGB needs ${image.width * image.height * 3}`,
    );
  }
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
