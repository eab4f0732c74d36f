import type { RgbImage } from '../../base/image/rgbImage';
import type { ModelRunner } from '../../hal/accel/types';
import { FaceEmbedder } from './descriptor/faceEmbedder';
import { FaceDetector, type FaceDetectorOptions } from './detection/faceDetector';
import { checkFace, DEFAULT_MIN_SHARPNESS, type FaceQualityLimits } from './faceQuality';
import type { CheckedFace, PixelBox } from './types';

export interface FaceAnalyzerOptions extends FaceDetectorOptions {
  minFaceSize: number;
  minSharpness?: number;
}

/** Detection, quality checks and descriptors over one ModelRunner; shared by recognition and enrollment. */
export class FaceAnalyzer {
  readonly #detector: FaceDetector;
  readonly #embedder: FaceEmbedder;
  readonly #limits: FaceQualityLimits;

  constructor(runner: ModelRunner, options: FaceAnalyzerOptions) {
    this.#detector = new FaceDetector(runner, options);
    this.#embedder = new FaceEmbedder(runner);
    this.#limits = {
      minFaceSize: options.minFaceSize,
      minSharpness: options.minSharpness ?? DEFAULT_MIN_SHARPNESS,
    };
  }

  get limits(): Readonly<FaceQualityLimits> {
    return this.#limits;
  }

  /** Every face found, each with its sharpness and, when it fails a limit, why. */
  async detect(image: RgbImage): Promise<CheckedFace[]> {
    const faces = await this.#detector.detect(image);
    return faces.map((face) => checkFace(image, face, this.#limits));
  }

  /** The L2-normalised descriptor of the face cropped by `cropBox`. */
  embed(image: RgbImage, cropBox: PixelBox): Promise<Float32Array> {
    return this.#embedder.embed(image, cropBox);
  }
}
