/**
 * Test images made from the photos shipped in @vladmandic/human's assets/ (never hand-copied):
 * single cells of samples.jpg, the five face tiles of screenshot-facedetect.jpg, a ceiling
 * without people, and transformed copies made with sharp. All are returned as PNG/JPEG bytes.
 */
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { humanModelsDir } from '../../../models/registry';

/** human's assets directory (beside its models). */
export const HUMAN_ASSETS = join(dirname(humanModelsDir()), 'assets');

/** Column ranges of the top row of samples.jpg (rows 0-158): one photo each; 6 and 7 are groups. */
const SAMPLE_CELLS: ReadonlyArray<readonly [number, number]> = [
  [0, 157],
  [166, 316],
  [326, 535],
  [545, 633],
  [641, 788],
  [797, 902],
  [911, 1121],
  [1130, 1271],
];

/** One cell of samples.jpg's top row; cells 0-5 show one person each. */
export async function sampleCell(index: number): Promise<Buffer> {
  const [left, right] = SAMPLE_CELLS[index] ?? [0, 0];
  return crop('samples.jpg', left, 0, right - left + 1, 159);
}

/** The face tiles at the bottom of screenshot-facedetect.jpg: 0 is a man, 1-4 four different women. */
export async function portrait(index: 0 | 1 | 2 | 3 | 4): Promise<Buffer> {
  const lefts = [8, 164, 321, 478, 634];
  return crop('screenshot-facedetect.jpg', lefts[index] ?? 8, 345, 150, 152);
}

/** The ceiling of the party photo in samples.jpg: lamps and drapes, nobody in it. */
export function ceilingWithoutPeople(): Promise<Buffer> {
  return crop('samples.jpg', 300, 198, 800, 150);
}

/** Copies of a photo as a camera might see it again: scaled, shifted, lighter, darker, badly compressed. */
export async function transformedCopies(photo: Buffer): Promise<Record<string, Buffer>> {
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  return {
    'scaled up 1.8×': await sharp(photo)
      .resize(Math.round(width * 1.8))
      .png()
      .toBuffer(),
    'scaled down 0.75×': await sharp(photo)
      .resize(Math.round(width * 0.75))
      .png()
      .toBuffer(),
    'shifted and cropped': await sharp(photo)
      .extract({ left: 18, top: 12, width: width - 18, height: height - 12 })
      .extend({ right: 30, bottom: 10, background: '#303030' })
      .png()
      .toBuffer(),
    brighter: await sharp(photo).modulate({ brightness: 1.3 }).png().toBuffer(),
    darker: await sharp(photo).modulate({ brightness: 0.65 }).png().toBuffer(),
    'JPEG quality 12': await sharp(photo).jpeg({ quality: 12 }).toBuffer(),
  };
}

/** A Gaussian-blurred copy. */
export function blurred(photo: Buffer, sigma: number): Promise<Buffer> {
  return sharp(photo).blur(sigma).png().toBuffer();
}

/** Width and height of an encoded image. */
export async function imageSize(photo: Buffer): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  return { width, height };
}

function crop(file: string, left: number, top: number, width: number, height: number): Promise<Buffer> {
  return sharp(join(HUMAN_ASSETS, file)).extract({ left, top, width, height }).png().toBuffer();
}
