import type { TensorData } from '../../../models/types';
import type { OnnxExecutionProvider } from '../onnx/onnxRunner';
import type { TfjsBackend } from '../tfjs/backend';
import type { ModelInfo } from '../types';

/** Which runner a model worker hosts; passed to the worker as its `workerData`. */
export type RunnerEngine =
  | { engine: 'tfjs'; backend: TfjsBackend }
  | {
      engine: 'onnx';
      executionProvider: OnnxExecutionProvider;
      intraOpThreads?: number;
      /** onnxruntime's CPU memory arena; default on (see hal/accel/onnx/onnxRunner.ts MEMORY_OPTIONS). */
      memoryArena?: boolean;
    };

/** Main thread → worker. Every request gets exactly one reply with the same id. */
export type WorkerRequest =
  | { kind: 'load'; id: number; modelId: string }
  | { kind: 'run'; id: number; modelId: string; input: TensorData }
  | { kind: 'close'; id: number };

/** Worker → main thread. */
export type WorkerReply =
  | { kind: 'loaded'; id: number; info: ModelInfo }
  | { kind: 'result'; id: number; outputs: TensorData[] }
  | { kind: 'closed'; id: number }
  | { kind: 'failed'; id: number; message: string };

/**
 * The buffers of `tensors` that can be moved to the other thread instead of copied: only those
 * a tensor owns whole (a view into a shared or pooled buffer is copied by postMessage instead).
 */
export function transferableBuffers(tensors: readonly TensorData[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of tensors) {
    const buffer = data.buffer;
    if (buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) {
      buffers.add(buffer);
    }
  }
  return [...buffers];
}
