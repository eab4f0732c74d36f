import type { RgbImage } from '../../base/image/rgbImage';
import type { Detection, TensorData } from '../../models/types';
import type { DetectorType } from './detectorSchema';

/** An object detector backend; one instance per configured detector. */
export interface ObjectDetector {
  readonly name: string;
  readonly type: DetectorType;
  /** Loads the model (and starts its worker); rejects with a message naming what is missing. */
  load(): Promise<void>;
  detect(image: RgbImage): Promise<Detection[]>;
  /** Exponential moving average of inference time in ms, like Frigate's inference_speed; null before the first. */
  inferenceSpeedMs(): number | null;
  /** Whether it can detect right now; detectors that cannot fail once loaded (local models) omit it. */
  health?(): DetectorHealth;
  close(): Promise<void>;
}

/** What health says of a detector: `failing` (with why, since when) while it cannot detect. */
export type DetectorHealth = { state: 'ok' } | { state: 'failing'; error: string; since: string };

/**
 * Runs registry models (see `models/`) somewhere: in this thread (tests, tools) or in a
 * supervised worker thread (the appliance). Object detectors and face recognition both use it.
 */
export interface ModelRunner {
  /** Runs `modelId` on one input tensor; returns its outputs in the model's output order. */
  run(modelId: string, input: TensorData): Promise<TensorData[]>;
  close(): Promise<void>;
}

/** What a runner learnt about a model when it loaded it. */
export interface ModelInfo {
  /** The model's inputs; detectors feed the first. Dimensions unknown until run time are strings. */
  inputs: Array<{ name: string; shape: Array<number | string> }>;
  /** Output shapes in output order, as far as the model declares them. */
  outputs: Array<{ name: string; shape: Array<number | string> }>;
  /** Class names the model file carries (e.g. Ultralytics' `names` metadata), when it does. */
  labels?: string[];
  /** The accelerator it actually runs on, e.g. `wasm`, `cpu`, `cuda`. */
  executionProvider: string;
  /** Things the operator should know, e.g. a fallback from the configured provider. */
  warnings: string[];
}

/** A ModelRunner that can load a model ahead of the first run (and warm it up). */
export interface LoadableModelRunner extends ModelRunner {
  load(modelId: string): Promise<ModelInfo>;
}
