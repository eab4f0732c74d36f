import type { RgbImage } from '../../base/image/rgbImage';
import type { FaceAnalyzer } from './faceAnalyzer';
import type { FaceGallery } from './gallery/faceGallery';
import { MovingAverage } from './movingAverage';
import type { FaceMatch } from './types';

/** Moving averages of each recognition stage, ms; null until measured. */
export interface RecognitionStats {
  /** One `recognize` call, all stages: the figure reported as `recognition_speed`. */
  recognition_speed: number | null;
  /** blazeface on one image, with pre- and post-processing. */
  detect_ms: number | null;
  /** faceres on one face, with the crop. */
  embed_ms: number | null;
  /** Gallery lookup of one descriptor. */
  match_ms: number | null;
  images: number;
  faces_detected: number;
  faces_rejected: number;
  faces_recognized: number;
}

/**
 * Face recognition on one image, typically a person crop from the tracker: detect → drop faces
 * that are too small or blurred → describe → match against the gallery. Each stage is timed.
 */
export class FaceRecognizer {
  readonly #analyzer: FaceAnalyzer;
  readonly #gallery: FaceGallery;
  readonly #total = new MovingAverage();
  readonly #detect = new MovingAverage();
  readonly #embed = new MovingAverage();
  readonly #match = new MovingAverage();
  readonly #counts = { images: 0, faces_detected: 0, faces_rejected: 0, faces_recognized: 0 };

  constructor(analyzer: FaceAnalyzer, gallery: FaceGallery) {
    this.#analyzer = analyzer;
    this.#gallery = gallery;
  }

  /** The usable faces of `image`, each with the gallery's verdict; boxes are fractions of `image`. */
  async recognize(image: RgbImage): Promise<FaceMatch[]> {
    const started = performance.now();
    const faces = await this.#analyzer.detect(image);
    let mark = performance.now();
    this.#detect.add(mark - started);
    this.#counts.images++;
    this.#counts.faces_detected += faces.length;
    const matches: FaceMatch[] = [];
    for (const face of faces) {
      if (face.rejected) {
        this.#counts.faces_rejected++;
        continue;
      }
      const descriptor = await this.#analyzer.embed(image, face.cropBox);
      const embedded = performance.now();
      this.#embed.add(embedded - mark);
      const verdict = this.#gallery.match(descriptor);
      mark = performance.now();
      this.#match.add(mark - embedded);
      this.#counts.faces_recognized++;
      matches.push({
        ...verdict,
        box: face.box,
        detectionScore: face.score,
        sizePx: face.sizePx,
        sharpness: face.sharpness,
        descriptor,
        cropBox: face.cropBox,
      });
    }
    this.#total.add(performance.now() - started);
    return matches;
  }

  /** Moving average of a whole `recognize` call, ms (Frigate-style `recognition_speed`); null before the first. */
  recognitionSpeedMs(): number | null {
    return this.#total.value;
  }

  stats(): RecognitionStats {
    return {
      recognition_speed: round(this.#total.value),
      detect_ms: round(this.#detect.value),
      embed_ms: round(this.#embed.value),
      match_ms: round(this.#match.value),
      ...this.#counts,
    };
  }
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
