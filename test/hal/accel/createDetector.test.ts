import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetector, DETECTOR_TYPES } from '../../../hal/accel/createDetector';
import type { DetectorConfig } from '../../../hal/accel/detectorSchema';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import { memoryLogger } from '../../helpers/memoryLogger';

describe('createDetector', () => {
  it('lists the valid types for an unknown one', () => {
    const { logger } = memoryLogger();
    const config = { type: 'coral' } as unknown as DetectorConfig;
    assert.throws(
      () => createDetector('edge', config, { logger }),
      /detector 'edge': unknown type "coral"; valid types: wasm, cpu, tfjs-node, onnx, remote/,
    );
    assert.deepEqual([...DETECTOR_TYPES], ['wasm', 'cpu', 'tfjs-node', 'onnx', 'remote']);
  });

  it('tfjs-node: load() says the package is missing and what to use instead', async (t) => {
    const present = await import('@tensorflow/tfjs-node' as string).then(
      () => true,
      () => false,
    );
    if (present) return t.skip('@tensorflow/tfjs-node is installed here');
    const { logger } = memoryLogger();
    const detector = createDetector('gpu', { type: 'tfjs-node', model: 'centernet' }, { logger });
    try {
      await assert.rejects(
        detector.load(),
        /detector 'gpu' \(tfjs-node\): cannot load model 'centernet': .*needs @tensorflow\/tfjs-node, which is not installed.*use type wasm instead/,
      );
    } finally {
      await detector.close();
    }
  });

  it('uses a runner it is given (e.g. shared, or in-process) and leaves it open on close()', async () => {
    const { logger } = memoryLogger();
    let closed = false;
    const runner = new InProcessRunner('wasm');
    const shared = {
      run: runner.run.bind(runner),
      close: async () => {
        closed = true;
      },
    };
    const detector = createDetector(
      'default',
      { type: 'wasm', model: 'centernet' },
      { logger, runner: shared },
    );
    await detector.load();
    await detector.close();
    assert.equal(closed, false);
    await runner.close();
  });
});
