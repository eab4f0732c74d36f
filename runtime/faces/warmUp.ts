import type { ModelRunner } from '../../hal/accel/types';
import { modelManifest } from '../../models/registry';

/** The face models, in the order recognition uses them. */
const FACE_MODELS = ['blazeface', 'faceres'] as const;

/**
 * Loads both face models and runs each once, one after the other: the first run compiles kernels
 * and is several times slower, and a frame with a blacklisted face must not pay for that.
 * Uses the runner's own `load` when it has one (it warms up too).
 */
export async function warmUpFaceModels(runner: ModelRunner): Promise<void> {
  for (const id of FACE_MODELS) {
    if (hasLoad(runner)) {
      await runner.load(id);
      continue;
    }
    const size = modelManifest(id).inputSize;
    await runner.run(id, { data: new Float32Array(size * size * 3), shape: [1, size, size, 3] });
  }
}

function hasLoad(runner: ModelRunner): runner is ModelRunner & { load(id: string): Promise<unknown> } {
  return typeof (runner as { load?: unknown }).load === 'function';
}
