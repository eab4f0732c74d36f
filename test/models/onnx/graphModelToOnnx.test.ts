import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { toInputTensor } from '../../../hal/accel/preprocess/inputTensor';
import { letterbox } from '../../../hal/accel/preprocess/letterbox';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import { graphModelToOnnx } from '../../../models/onnx/graphModelToOnnx';
import { modelFile, modelManifest } from '../../../models/registry';
import { SAMPLE_REGIONS, sampleImage } from '../../hal/accel/fixtures/images';
import { tempDir } from '../../helpers/tempDir';
import { portrait } from '../../runtime/faces/faceImages';

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

  it('blazeface and faceres (SAME padding, depthwise and fused convolutions, MatMul, Mean) give the graph models’ outputs on a real face', async () => {
    for (const [id, size, scale, offset] of [
      ['blazeface', 256, 1 / 127.5, -1],
      ['faceres', 224, 1, 0],
    ] as const) {
      const { data } = await sharp(await portrait(1))
        .resize(size, size, { fit: 'fill' })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const input = { data: Float32Array.from(data, (v) => v * scale + offset), shape: [1, size, size, 3] };
      const expected = await runner.run(id, input);
      const session = await ort.InferenceSession.create(graphModelToOnnx(modelFile(modelManifest(id))));
      try {
        const results = await session.run({
          [session.inputNames[0] ?? '']: new ort.Tensor('float32', input.data, input.shape),
        });
        assert.equal(session.outputNames.length, expected.length, id);
        for (const want of expected) {
          const got = Object.values(results).find((o) => o.dims.join() === want.shape.join());
          assert.ok(got, `${id}: no output of shape [${want.shape}]`);
          let worst = 0;
          let largest = 0;
          for (const [i, value] of want.data.entries()) {
            worst = Math.max(worst, Math.abs(value - ((got.data as Float32Array)[i] ?? 0)));
            largest = Math.max(largest, Math.abs(value));
          }
          assert.ok(largest > 0, `${id} [${want.shape}]: all zeros`);
          assert.ok(
            worst <= 1e-5 * largest + 1e-6,
            `${id} [${want.shape}] differs by ${worst} (largest ${largest})`,
          );
        }
      } finally {
        await session.release();
      }
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
