import type { LoadableModelRunner } from '../types';
import type { RunnerEngine } from './protocol';

/**
 * Builds the runner a worker hosts. Engines are imported on demand, so a TensorFlow.js worker
 * never loads onnxruntime and an ONNX worker never loads TensorFlow.js.
 */
export async function createEngineRunner(engine: RunnerEngine): Promise<LoadableModelRunner> {
  switch (engine.engine) {
    case 'tfjs': {
      const { InProcessRunner } = await import('../tfjs/inProcessRunner');
      return new InProcessRunner(engine.backend);
    }
    case 'onnx': {
      const { OnnxRunner } = await import('../onnx/onnxRunner');
      return new OnnxRunner(engine.executionProvider, engine.intraOpThreads, engine.memoryArena);
    }
    default:
      throw new Error(`unknown model engine ${JSON.stringify(engine)}`);
  }
}
