import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ort from 'onnxruntime-node';
import { OnnxRunner, REGISTRY_MODEL_PREFIX, sessionOptions } from '../../../../hal/accel/onnx/onnxRunner';
import { toInputTensor } from '../../../../hal/accel/preprocess/inputTensor';
import { letterbox } from '../../../../hal/accel/preprocess/letterbox';
import { graphModelToOnnx } from '../../../../models/onnx/graphModelToOnnx';
import { modelFile, modelManifest } from '../../../../models/registry';
import { SAMPLE_REGIONS, sampleImage } from '../fixtures/images';

setFlagsFromString('--expose-gc');
/** A full collection, so what is still referenced can be told from garbage. */
const gc = runInNewContext('gc') as () => void;
const NANODET = `${REGISTRY_MODEL_PREFIX}nanodet`;

describe('onnx runner memory', () => {
  const runner = new OnnxRunner('cpu', 1);
  after(() => runner.close());

  it('creates every session with the memory options, at the intra-op threads asked for', () => {
    for (const options of [sessionOptions(['cpu']), sessionOptions(['cuda', 'cpu'], true, 1)]) {
      assert.equal(options.enableMemPattern, false);
      assert.equal(options.enableCpuMemArena, true);
      assert.equal(options.executionMode, 'sequential');
      assert.deepEqual(options.extra, { session: { intra_op: { allow_spinning: '0' } } }, 'no spin-waiting');
    }
    assert.equal(sessionOptions(['cpu'], false, 1).intraOpNumThreads, 1);
    // Face recognition's runner asks for no arena (runtime/faces/faceModelRunner.ts).
    assert.equal(sessionOptions(['cpu'], false, 1, false).enableCpuMemArena, false);
  });

  it('keeps no copy of the converted model once the session exists', async () => {
    const converted = graphModelToOnnx(modelFile(modelManifest('nanodet'))).byteLength;
    gc();
    const before = process.memoryUsage().arrayBuffers;
    await runner.load(NANODET);
    // Backing stores of collected buffers are freed a little after the collection (on a loaded
    // machine, later): what is still referenced stays held however long we wait.
    let held = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 10 && held >= converted / 4; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 100));
      held = process.memoryUsage().arrayBuffers - before;
    }
    // The converted protobuf (~14 MB) and its float32 weights live in onnxruntime now, not in JS.
    assert.ok(held < converted / 4, `${(held / 2 ** 20).toFixed(1)} MB of buffers still held after the load`);
  });

  it('gives the outputs of a session with onnxruntime’s own defaults on a real photo', async () => {
    const manifest = modelManifest('nanodet');
    const { pixels } = await letterbox(await sampleImage(SAMPLE_REGIONS.group), 416, 416);
    const input = toInputTensor(pixels, 416, 416, 'nchw', manifest.normalization);
    const reference = await ort.InferenceSession.create(graphModelToOnnx(modelFile(manifest)));
    try {
      const results = await reference.run({
        [reference.inputNames[0] ?? '']: new ort.Tensor('float32', input.data, input.shape),
      });
      const got = await runner.run(NANODET, input);
      assert.equal(got.length, reference.outputNames.length);
      let best = 0;
      for (const [i, name] of reference.outputNames.entries()) {
        const want = (results[name] as ort.Tensor).data as Float32Array;
        const output = got[i];
        assert.ok(output, `no output ${name}`);
        assert.deepEqual(output.shape, [...(results[name] as ort.Tensor).dims]);
        let worst = 0;
        for (const [j, value] of want.entries()) {
          worst = Math.max(worst, Math.abs(value - (output.data[j] ?? 0)));
          best = Math.max(best, value);
        }
        assert.ok(worst < 1e-4, `output ${name} differs by ${worst}`);
      }
      assert.ok(best > 0.5, 'a photo of people scores somewhere');
    } finally {
      await reference.release();
    }
  });
});
