import type { RgbImage } from '../../../base/image/rgbImage';
import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import type { ModelRunner } from '../../../hal/accel/types';
import { modelManifest } from '../../../models/registry';
import { resizePaddedSquare } from '../image/bilinearSampler';
import type { DetectedFace, PixelBox } from '../types';
import { blazefaceAnchors } from './blazefaceAnchors';
import { blazefaceRows, decodeBlazeface } from './blazefaceDecoder';
import { faceCropBox, normalizeBox } from './faceBoxes';

/**
 * Lowest blazeface confidence kept. Human uses 0.2 because its face mesh re-scores every box and
 * drops the false ones; without the mesh, 0.2 lets through lamps and drapes (0.25-0.49 on the
 * ceiling of human's samples.jpg) while real faces score 0.75-0.95.
 */
const DEFAULT_MIN_FACE_SCORE = 0.6;

export interface FaceDetectorOptions {
  /** Lowest detector confidence kept (default `DEFAULT_MIN_FACE_SCORE`). */
  minScore?: number;
  /** Overlap above which the weaker of two boxes is dropped (human's `iouThreshold`, 0.1). */
  iouThreshold?: number;
  /** Most faces returned per image. */
  maxFaces?: number;
}

/**
 * Finds faces with blazeface. The image is padded to a square first (human's `detector.square`):
 * person crops are tall, and stretching them to the square input squashes faces past recognition.
 */
export class FaceDetector {
  readonly #runner: ModelRunner;
  readonly #inputSize: number;
  readonly #anchors: Float32Array;
  readonly #minScore: number;
  readonly #iouThreshold: number;
  readonly #maxFaces: number;

  constructor(runner: ModelRunner, options: FaceDetectorOptions = {}) {
    this.#runner = runner;
    this.#inputSize = modelManifest('blazeface').inputSize;
    this.#anchors = blazefaceAnchors(this.#inputSize);
    this.#minScore = options.minScore ?? DEFAULT_MIN_FACE_SCORE;
    this.#iouThreshold = options.iouThreshold ?? 0.1;
    this.#maxFaces = options.maxFaces ?? 10;
  }

  /** Every face found, best first, with boxes relative to `image`. */
  async detect(image: RgbImage): Promise<DetectedFace[]> {
    if (image.width < 1 || image.height < 1) return [];
    const size = this.#inputSize;
    const side = Math.max(image.width, image.height);
    // blazeface wants -1..1 (human: x / 127.5 - 1).
    const input = resizePaddedSquare(image, side, size, { scale: 1 / 127.5, offset: -1 });
    const outputs = await this.#runner.run('blazeface', { data: input, shape: [1, size, size, 3] });
    const candidates = decodeBlazeface(blazefaceRows(outputs), this.#anchors, this.#minScore);
    const kept = nonMaxSuppression(candidates, this.#iouThreshold, this.#maxFaces);
    // Input pixels → padded square pixels → image pixels.
    const factor = side / size;
    const padX = Math.floor((side - image.width) / 2);
    const padY = Math.floor((side - image.height) / 2);
    const toImage = (x: number, y: number): [number, number] => [x * factor - padX, y * factor - padY];
    return kept.map((candidate): DetectedFace => {
      const [x1, y1] = toImage(candidate.box[0], candidate.box[1]);
      const [x2, y2] = toImage(candidate.box[2], candidate.box[3]);
      const pixelBox: PixelBox = { x1, y1, x2, y2 };
      return {
        box: normalizeBox(pixelBox, image.width, image.height),
        pixelBox,
        cropBox: faceCropBox(pixelBox),
        score: candidate.score,
        landmarks: candidate.landmarks.map(([x, y]) => toImage(x, y)),
        sizePx: Math.min(x2 - x1, y2 - y1),
      };
    });
  }
}
