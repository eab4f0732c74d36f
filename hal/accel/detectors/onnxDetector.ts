import type { RgbImage } from '../../../base/image/rgbImage';
import type { Logger } from '../../../base/logger';
import { COCO_LABELS } from '../../../models/cocoLabels';
import { decodeYolo, yoloLayout } from '../../../models/decoders/yolo';
import type { Detection } from '../../../models/types';
import { InferenceSpeed } from '../inferenceSpeed';
import { toInputTensor } from '../preprocess/inputTensor';
import { letterbox } from '../preprocess/letterbox';
import type { LoadableModelRunner, ObjectDetector } from '../types';
import { type CandidateFilter, finishDetections } from './candidateFilter';
import { type OnnxModelInput, onnxModelInput } from './onnxModelInput';

export interface OnnxDetectorOptions {
  /** The .onnx file (a YOLOv5/v8-style detector). */
  modelPath: string;
  /** A runner hosting an OnnxRunner (normally in a worker; onnxruntime-node runs on the calling thread). */
  runner: LoadableModelRunner;
  filter: CandidateFilter;
  logger: Logger;
}

/**
 * Object detection with a user-supplied YOLO-style ONNX model. Input name, layout and size come
 * from the model; class names from its `names` metadata when present, else COCO for 80 classes.
 */
export class OnnxDetector implements ObjectDetector {
  readonly name: string;
  readonly type = 'onnx' as const;
  readonly #options: OnnxDetectorOptions;
  readonly #speed = new InferenceSpeed();
  #input: OnnxModelInput | undefined;
  #labels: readonly string[] | undefined;

  constructor(name: string, options: OnnxDetectorOptions) {
    this.name = name;
    this.#options = options;
  }

  async load(): Promise<void> {
    const { runner, modelPath, logger } = this.#options;
    const info = await runner.load(modelPath).catch((err: Error) => {
      throw new Error(
        `detector '${this.name}' (onnx): ${err.message} — check detectors.${this.name}.model_path`,
      );
    });
    this.#input = onnxModelInput(info, modelPath);
    this.#labels = info.labels;
    for (const warning of info.warnings) logger.warn(warning);
    logger.info(
      { model: modelPath, on: info.executionProvider, input: this.#input },
      'object detector ready',
    );
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    const input = this.#input;
    if (!input) throw new Error(`detector '${this.name}' (onnx): detect() before load()`);
    const { runner, modelPath, filter } = this.#options;
    const { pixels, placement } = await letterbox(image, input.width, input.height);
    const tensor = toInputTensor(pixels, input.width, input.height, input.layout, 'zero_to_one');
    const [output] = await this.#speed.time(() => runner.run(modelPath, tensor));
    if (!output) throw new Error(`detector '${this.name}' (onnx): the model returned no outputs`);
    const decoded = decodeYolo(output, {
      labels: this.#labelsFor(output.shape),
      inputSize: { width: input.width, height: input.height },
      minScore: filter.minScore,
    });
    return finishDetections(decoded, placement, filter);
  }

  inferenceSpeedMs(): number | null {
    return this.#speed.averageMs();
  }

  async close(): Promise<void> {
    await this.#options.runner.close();
  }

  /** Class names: the model's own, else COCO when it has COCO's 80 classes, else class_<n>. */
  #labelsFor(shape: readonly number[]): readonly string[] {
    if (this.#labels) return this.#labels;
    const [, a = 0, b = 0] = shape;
    const classCount = yoloLayout(shape, COCO_LABELS.length) === 'v5' ? b - 5 : a - 4;
    this.#labels = classCount === COCO_LABELS.length ? COCO_LABELS : [];
    return this.#labels;
  }
}
