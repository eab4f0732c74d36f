import type { RgbImage } from '../../../base/image/rgbImage';
import type { Logger } from '../../../base/logger';
import { COCO_LABELS } from '../../../models/cocoLabels';
import { decodeNanodet } from '../../../models/decoders/nanodet';
import { decodeYolo, yoloLayout } from '../../../models/decoders/yolo';
import type { ModelManifest } from '../../../models/registry';
import type { Detection, TensorData } from '../../../models/types';
import { InferenceSpeed } from '../inferenceSpeed';
import { toInputTensor } from '../preprocess/inputTensor';
import { letterbox } from '../preprocess/letterbox';
import type { LoadableModelRunner, ObjectDetector } from '../types';
import { type CandidateFilter, finishDetections } from './candidateFilter';
import { type OnnxModelInput, onnxModelInput } from './onnxModelInput';

export interface OnnxDetectorOptions {
  /** The .onnx file (a YOLOv5/v8-style detector), or `registry:<id>` with `manifest`. */
  modelPath: string;
  /** A registry model converted to ONNX: its input, normalisation and decoder come from here. */
  manifest?: ModelManifest;
  /** A runner hosting an OnnxRunner (normally in a worker; onnxruntime-node runs on the calling thread). */
  runner: LoadableModelRunner;
  filter: CandidateFilter;
  logger: Logger;
}

/**
 * Object detection with a user-supplied YOLO-style ONNX model, or a registry model converted to
 * ONNX. A file's input name, layout and size come from the model; class names from its `names`
 * metadata when present, else COCO for 80 classes. A registry model is fed and decoded as its
 * manifest says.
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
        `detector '${this.name}' (onnx): ${err.message} — check detectors.${this.name}.${this.#options.manifest ? 'model' : 'model_path'}`,
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
    const { runner, modelPath, filter, manifest } = this.#options;
    const { pixels, placement } = await letterbox(image, input.width, input.height);
    const normalization = manifest?.normalization ?? 'zero_to_one';
    const tensor = toInputTensor(pixels, input.width, input.height, input.layout, normalization);
    const outputs = await this.#speed.time(() => runner.run(modelPath, tensor));
    return finishDetections(this.#decode(outputs, input), placement, filter);
  }

  #decode(outputs: TensorData[], input: OnnxModelInput): Detection[] {
    const { filter, manifest } = this.#options;
    if (manifest?.decoder === 'nanodet') return decodeNanodet(outputs, manifest, filter.minScore);
    const [output] = outputs;
    if (!output) throw new Error(`detector '${this.name}' (onnx): the model returned no outputs`);
    return decodeYolo(output, {
      labels: manifest?.labels ?? this.#labelsFor(output.shape),
      inputSize: { width: input.width, height: input.height },
      minScore: filter.minScore,
    });
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
