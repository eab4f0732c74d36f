import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tfType from '@tensorflow/tfjs-core';
import { modelFile, modelManifest } from '../../../models/registry';
import type { ModelRunner, TensorData } from '../types';
import { initTfjs, type TfjsBackend } from './backend';
import { loadGraphModelFile } from './loadGraphModel';

/**
 * Runs registry models with TensorFlow.js in the calling thread. Tests and the CLI use it
 * directly; the appliance runs it inside a supervised worker thread.
 */
export class InProcessRunner implements ModelRunner {
  readonly #backend: TfjsBackend;
  #tf: typeof tfType | undefined;
  readonly #models = new Map<string, Promise<GraphModel>>();

  constructor(backend: TfjsBackend) {
    this.#backend = backend;
  }

  async run(modelId: string, input: TensorData): Promise<TensorData[]> {
    const tf = (this.#tf ??= await initTfjs(this.#backend));
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

  #model(modelId: string): Promise<GraphModel> {
    let model = this.#models.get(modelId);
    if (!model) {
      model = loadGraphModelFile(modelFile(modelManifest(modelId)));
      this.#models.set(modelId, model);
    }
    return model;
  }
}
