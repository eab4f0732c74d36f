import type { RgbImage } from '../../../base/image/rgbImage';
import type { ModelRunner } from '../../../hal/accel/types';
import { modelManifest } from '../../../models/registry';
import { cropAndResize } from '../image/bilinearSampler';
import type { PixelBox } from '../types';

/** Length of a faceres descriptor. */
export const DESCRIPTOR_LENGTH = 1024;

/**
 * Turns a face crop into a descriptor with faceres. The crop is the square, 1.4× box of the
 * detector (`DetectedFace.cropBox`), resampled straight to 224×224 (human crops to 256 and then
 * resizes to 224; one resampling step instead of two). Pixels stay 0..255: human divides the crop
 * by 255 and `faceres.enhance` multiplies it back, so the model sees 0..255 despite the registry's
 * `zero_to_one`. The 1024-float `global_pooling` output is L2-normalised, so cosine = dot product.
 */
export class FaceEmbedder {
  readonly #runner: ModelRunner;
  readonly #inputSize: number;

  constructor(runner: ModelRunner) {
    this.#runner = runner;
    this.#inputSize = modelManifest('faceres').inputSize;
  }

  async embed(image: RgbImage, cropBox: PixelBox): Promise<Float32Array> {
    const size = this.#inputSize;
    const input = cropAndResize(image, cropBox, size, size, { scale: 1, offset: 0 });
    const outputs = await this.#runner.run('faceres', { data: input, shape: [1, size, size, 3] });
    const descriptor = outputs.find((output) => output.shape.at(-1) === DESCRIPTOR_LENGTH);
    if (!descriptor) {
      throw new Error(
        `faceres returned no ${DESCRIPTOR_LENGTH}-float descriptor (outputs: ${outputs.map((o) => `[${o.shape.join(',')}]`).join(' ')})`,
      );
    }
    return l2Normalize(descriptor.data.slice(0, DESCRIPTOR_LENGTH));
  }
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}
