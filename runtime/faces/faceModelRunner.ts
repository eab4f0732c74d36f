import type { Logger } from '../../base/logger';
import { REGISTRY_MODEL_PREFIX } from '../../hal/accel/onnx/onnxRunner';
import type { LoadableModelRunner, ModelInfo } from '../../hal/accel/types';
import type { RunnerEngine } from '../../hal/accel/worker/protocol';
import { WorkerModelRunner } from '../../hal/accel/worker/workerModelRunner';
import type { TensorData } from '../../models/types';

/**
 * onnxruntime on one core without its CPU memory arena: ~10-25 MB less for ~50 % more time per
 * face, 12 + 23 ms instead of 8 + 15 here (hal/accel/onnx/onnxRunner.ts MEMORY_OPTIONS).
 */
export const FACE_MODEL_ENGINE: RunnerEngine = {
  engine: 'onnx',
  executionProvider: 'cpu',
  intraOpThreads: 1,
  memoryArena: false,
};

/**
 * Face recognition's own runner: blazeface and faceres on onnxruntime (the build's .onnx files of
 * them, models/onnx/prebuiltOnnx.ts), one intra-op thread, no memory arena, in a worker thread of its own so a
 * recognition never waits behind object detection. Against TensorFlow.js on wasm, which it
 * replaces, the thread holds ~50 MB less (no wasm heap, which never shrinks, no TensorFlow.js)
 * and faceres runs ~2.5× faster, with the same descriptors (to 1e-5 relative), so faces enrolled
 * with either match on the other. Model ids stay the registry's (`blazeface`, `faceres`).
 */
export class FaceModelRunner implements LoadableModelRunner {
  readonly #runner: WorkerModelRunner;

  constructor(logger: Logger) {
    this.#runner = new WorkerModelRunner({
      engine: FACE_MODEL_ENGINE,
      logger,
      label: 'faces',
    });
  }

  load(modelId: string): Promise<ModelInfo> {
    return this.#runner.load(`${REGISTRY_MODEL_PREFIX}${modelId}`);
  }

  run(modelId: string, input: TensorData): Promise<TensorData[]> {
    return this.#runner.run(`${REGISTRY_MODEL_PREFIX}${modelId}`, input);
  }

  close(): Promise<void> {
    return this.#runner.close();
  }
}
