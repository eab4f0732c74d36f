import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';

// Its own file, so TensorFlow.js starts fresh in this process.
test('concurrent first calls on a fresh runner share one TensorFlow.js start', async () => {
  const runner = new InProcessRunner('wasm');
  try {
    const input = () => ({ data: new Float32Array(256 * 256 * 3).fill(0.1), shape: [1, 256, 256, 3] });
    const [a, b] = await Promise.all([runner.run('blazeface', input()), runner.run('blazeface', input())]);
    assert.ok(a.length > 0 && b.length > 0);
    assert.deepEqual(
      a.map((t) => t.shape),
      b.map((t) => t.shape),
    );
  } finally {
    await runner.close();
  }
});
