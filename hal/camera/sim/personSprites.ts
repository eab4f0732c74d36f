import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { PERSON_CROPS } from './personCrops';
import { makeSprite, type Sprite } from './sprite';

/** Pixels faded at each sprite border. */
const FEATHER_PX = 4;

/** The photo grid shipped in the @vladmandic/human package (assets/samples.jpg). */
function samplesImagePath(): string {
  const require = createRequire(import.meta.url);
  // The package's exports do not include package.json; its main entry lives in dist/.
  return join(dirname(dirname(require.resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
}

/**
 * Cuts person sprites out of the samples photo, one per requested (crop, height) pair.
 * The photo is decoded once; each sprite is a sharp extract + resize of the raw pixels.
 */
export async function loadPersonSprites(
  requests: ReadonlyArray<{ crop: number; height: number }>,
  imagePath: string = samplesImagePath(),
): Promise<Map<string, Sprite>> {
  const { data, info } = await sharp(imagePath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: 3 as const } };
  const sprites = new Map<string, Sprite>();
  for (const { crop, height } of requests) {
    const key = spriteKey(crop, height);
    const rect = PERSON_CROPS[crop % PERSON_CROPS.length];
    if (sprites.has(key) || !rect) continue;
    const resized = await sharp(data, raw)
      .extract(rect)
      .resize({ height, kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    sprites.set(key, makeSprite(resized.data, resized.info.width, resized.info.height, FEATHER_PX));
  }
  return sprites;
}

/** Map key of a sprite. */
export function spriteKey(crop: number, height: number): string {
  return `${crop}@${height}`;
}
