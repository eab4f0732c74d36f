import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfjsBackend = 'wasm' | 'cpu' | 'tensorflow';

/**
 * Selects the TensorFlow.js backend for this thread. `wasm` loads its .wasm files from the
 * installed package (never from a CDN); `tensorflow` needs @tensorflow/tfjs-node installed.
 */
export async function initTfjs(backend: TfjsBackend): Promise<typeof tf> {
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  }
  if (backend === 'tensorflow') {
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch (err) {
      throw new Error(
        `detector type tfjs-node needs @tensorflow/tfjs-node, which is not installed (${(err as Error).message}); use type wasm instead`,
      );
    }
  }
  // Production mode: no per-op NaN checks, and no "install tfjs-node" banner on stderr from the cpu backend.
  tf.enableProdMode();
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend '${backend}' failed to start`);
  await tf.ready();
  return tf;
}
