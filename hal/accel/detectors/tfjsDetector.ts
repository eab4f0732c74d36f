import type { RgbImage } from '../../../base/image/rgbImage';
import type { Logger } from '../../../base/logger';
import { decodeCenternet } from '../../../models/decoders/centernet';
import { decodeNanodet } from '../../../models/decoders/nanodet';
import { decodeYolo } from '../../../models/decoders/yolo';
import type { ModelManifest } from '../../../models/registry';
import type { Detection, TensorData } from '../../../models/types';
import { InferenceSpeed } from '../inferenceSpeed';
import { toInputTensor } from '../preprocess/inputTensor';
import { letterbox } from '../preprocess/letterbox';
import type { LoadableModelRunner, ModelRunner, ObjectDetector } from '../types';
import { type CandidateFilter, finishDetections } from './candidateFilter';

/** Detector types served by TensorFlow.js graph models from the registry. */
export type TfjsDetectorType = 'wasm' | 'cpu' | 'tfjs-node';

export interface TfjsDetectorOptions {
  manifest: ModelManifest;
  /** Where the model runs: normally a WorkerModelRunner; an InProcessRunner in tools. */
  runner: ModelRunner | LoadableModelRunner;
  /** Whether close() closes the runner too (false when it is shared, e.g. with face recognition). */
  ownsRunner: boolean;
  filter: CandidateFilter;
  logger: Logger;
}

/**
 * Object detection with a registry model (centernet, nanodet) on TensorFlow.js: letterbox the
 * image to the model's square input, run it through the runner, decode, map boxes back, NMS.
 */
export class TfjsDetector implements ObjectDetector {
  readonly name: string;
  readonly type: TfjsDetectorType;
  readonly #options: TfjsDetectorOptions;
  readonly #speed = new InferenceSpeed();

  constructor(name: string, type: TfjsDetectorType, options: TfjsDetectorOptions) {
    this.name = name;
    this.type = type;
    this.#options = options;
    if (options.manifest.task !== 'objects') {
      throw new Error(`detector '${name}': model '${options.manifest.id}' is not an object detector`);
    }
  }

  async load(): Promise<void> {
    const { runner, manifest, logger } = this.#options;
    if (!('load' in runner)) return;
    const info = await runner.load(manifest.id).catch((err: Error) => {
      throw new Error(
        `detector '${this.name}' (${this.type}): cannot load model '${manifest.id}': ${err.message}`,
      );
    });
    for (const warning of info.warnings) logger.warn(warning);
    logger.info({ model: manifest.id, on: info.executionProvider }, 'object detector ready');
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    const { manifest, runner, filter } = this.#options;
    const size = manifest.inputSize;
    const { pixels, placement } = await letterbox(image, size, size);
    const input = toInputTensor(pixels, size, size, manifest.layout ?? 'nhwc', manifest.normalization);
    const outputs = await this.#speed.time(() => runner.run(manifest.id, input));
    return finishDetections(this.#decode(outputs), placement, filter);
  }

  inferenceSpeedMs(): number | null {
    return this.#speed.averageMs();
  }

  async close(): Promise<void> {
    if (this.#options.ownsRunner) await this.#options.runner.close();
  }

  #decode(outputs: TensorData[]): Detection[] {
    const { manifest, filter } = this.#options;
    if (manifest.decoder === 'yolo') {
      const [first] = outputs;
      if (!first) throw new Error(`model '${manifest.id}' returned no outputs`);
      return decodeYolo(first, {
        labels: manifest.labels ?? [],
        inputSize: manifest.inputSize,
        minScore: filter.minScore,
      });
    }
    if (manifest.decoder === 'nanodet') return decodeNanodet(outputs, manifest, filter.minScore);
    return decodeCenternet(outputs, manifest, filter.minScore);
  }
}
