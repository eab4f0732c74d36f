import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { toInputTensor } from '../../../hal/accel/preprocess/inputTensor';
import { letterbox } from '../../../hal/accel/preprocess/letterbox';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import { graphModelToOnnx } from '../../../models/onnx/graphModelToOnnx';
import { modelFile, modelManifest } from '../../../models/registry';
import { SAMPLE_REGIONS, sampleImage } from '../../hal/accel/fixtures/images';
import { tempDir } from '../../helpers/tempDir';

describe('graphModelToOnnx', () => {
  const runner = new InProcessRunner('wasm');
  after(() => runner.close());

  it('NanoDet converted to ONNX gives the graph model’s outputs on a real photo', async () => {
    const manifest = modelManifest('nanodet');
    const { pixels } = await letterbox(await sampleImage(SAMPLE_REGIONS.group), 416, 416);
    const input = toInputTensor(pixels, 416, 416, 'nchw', manifest.normalization);
    const expected = await runner.run('nanodet', input);
    const session = await ort.InferenceSession.create(graphModelToOnnx(modelFile(manifest)));
    try {
      const [inputName = ''] = session.inputNames;
      const results = await session.run({ [inputName]: new ort.Tensor('float32', input.data, input.shape) });
      const outputs = session.outputNames.map((name) => results[name] as ort.Tensor);
      assert.equal(outputs.length, 6);
      for (const want of expected) {
        const got = outputs.find((o) => o.dims.join() === want.shape.join());
        assert.ok(got, `no output of shape [${want.shape}]`);
        const data = got.data as Float32Array;
        let worst = 0;
        for (const [i, value] of want.data.entries())
          worst = Math.max(worst, Math.abs(value - (data[i] ?? 0)));
        assert.ok(worst < 1e-3, `output [${want.shape}] differs by ${worst}`);
      }
      // Equal, and not trivially so (all zeros): a real photo of people scores somewhere.
      let best = 0;
      for (const scores of outputs.filter((o) => o.dims[2] === 80)) {
        for (const value of scores.data as Float32Array) best = Math.max(best, value);
      }
      assert.ok(best > 0.3, `no class score above 0.3 (best ${best})`);
    } finally {
      await session.release();
    }
  });

  it('refuses an op it does not know, by name', () => {
    const dir = tempDir();
    const file = join(dir, 'model.json');
    writeFileSync(
      file,
      JSON.stringify({
        modelTopology: {
          node: [
            { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: '1' }] } } } },
            { name: 'y', op: 'Erf', input: ['x'] },
          ],
        },
        weightsManifest: [],
      }),
    );
    assert.throws(() => graphModelToOnnx(file), /cannot convert graph op Erf \(y\) to ONNX/);
  });
});
