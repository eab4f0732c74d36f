import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tfType from '@tensorflow/tfjs-core';
import { type ModelManifest, modelFile, modelManifest } from '../../../models/registry';
import type { TensorData } from '../../../models/types';
import type { LoadableModelRunner, ModelInfo } from '../types';
import { initTfjs, type TfjsBackend } from './backend';
import { loadGraphModelFile } from './loadGraphModel';

/** TensorFlow.js backend name → what the operator calls it. */
const PROVIDER_NAMES: Record<TfjsBackend, string> = { wasm: 'wasm', cpu: 'cpu', tensorflow: 'tfjs-node' };

/**
 * Runs registry models with TensorFlow.js in the calling thread. Tests and the CLI use it
 * directly; the appliance runs it inside a supervised worker thread (see `../worker`).
 */
export class InProcessRunner implements LoadableModelRunner {
  readonly #backend: TfjsBackend;
  /** One start of TensorFlow.js, shared by concurrent first calls (a second start would fail). */
  #tf: Promise<typeof tfType> | undefined;
  readonly #models = new Map<string, Promise<GraphModel>>();

  constructor(backend: TfjsBackend) {
    this.#backend = backend;
  }

  /**
   * Loads a registry model and, except on the plain cpu backend, runs it once on a blank input:
   * the first run compiles kernels and is 2-3× slower, which must not count against a call timeout.
   */
  async load(modelId: string): Promise<ModelInfo> {
    const manifest = modelManifest(modelId);
    const model = await this.#model(modelId);
    if (this.#backend !== 'cpu') await this.run(modelId, blankInput(manifest));
    return {
      inputs: model.inputs.map((input) => ({ name: input.name, shape: knownShape(input.shape, manifest) })),
      outputs: model.outputs.map((output) => ({ name: output.name, shape: knownShape(output.shape) })),
      executionProvider: PROVIDER_NAMES[this.#backend],
      warnings: [],
    };
  }

  async run(modelId: string, input: TensorData): Promise<TensorData[]> {
    const tf = await this.#tfjs();
    const model = await this.#model(modelId);
    const tensor = tf.tensor(input.data, input.shape, 'float32');
    try {
      const output = model.execute(tensor);
      const outputs = Array.isArray(output) ? output : [output];
      try {
        return await Promise.all(
          outputs.map(async (t) => ({ data: (await t.data()) as Float32Array, shape: t.shape })),
        );
      } finally {
        tf.dispose(outputs);
      }
    } finally {
      tensor.dispose();
    }
  }

  async close(): Promise<void> {
    for (const model of this.#models.values()) (await model).dispose();
    this.#models.clear();
  }

  async #tfjs(): Promise<typeof tfType> {
    this.#tf ??= initTfjs(this.#backend);
    return this.#tf;
  }

  async #model(modelId: string): Promise<GraphModel> {
    await this.#tfjs();
    let model = this.#models.get(modelId);
    if (!model) {
      model = loadGraphModelFile(modelFile(modelManifest(modelId)));
      this.#models.set(modelId, model);
      // A failed load is not cached: the next call tries again.
      model.catch(() => this.#models.delete(modelId));
    }
    return model;
  }
}

/** An input of zeros in the model's layout, for warming a model up. */
function blankInput(manifest: ModelManifest): TensorData {
  const size = manifest.inputSize;
  const shape = manifest.layout === 'nchw' ? [1, 3, size, size] : [1, size, size, 3];
  return { data: new Float32Array(size * size * 3), shape };
}

/** Graph models declare unknown dimensions as -1 (or not at all); the manifest knows the input size. */
function knownShape(shape: number[] | undefined, manifest?: ModelManifest): Array<number | string> {
  if (!shape) return [];
  return shape.map((dim, index) => {
    if (dim >= 0) return dim;
    const spatial = manifest?.layout === 'nchw' ? [2, 3] : [1, 2];
    if (manifest && spatial.includes(index)) return manifest.inputSize;
    return index === 0 ? 1 : 'unknown';
  });
}
