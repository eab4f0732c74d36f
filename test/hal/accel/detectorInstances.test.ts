import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultInstances,
  detectorInstances,
  onnxIntraOpThreads,
} from '../../../hal/accel/detectorInstances';
import { DEFAULT_DETECTOR } from '../../../hal/accel/detectorSchema';
import { loadConfig } from '../../../runtime/config/loadConfig';

const GB = 1024 ** 3;
const WASM = { type: 'wasm', model: 'centernet' } as const;

describe('detector instances', () => {
  it('gives wasm one instance per core, less one core for the cameras from 3 cores up, at most 4', () => {
    assert.equal(defaultInstances(WASM, { cores: 1, memoryBytes: 8 * GB }), 1);
    assert.equal(defaultInstances(WASM, { cores: 2, memoryBytes: 8 * GB }), 2);
    assert.equal(defaultInstances(WASM, { cores: 4, memoryBytes: 8 * GB }), 3, 'a Pi 4 or 5');
    assert.equal(
      defaultInstances({ type: 'cpu', model: 'centernet' }, { cores: 16, memoryBytes: 64 * GB }),
      4,
    );
  });

  it('gives one instance up to 1 GB of memory, then one per further instance the memory holds', () => {
    assert.equal(defaultInstances(WASM, { cores: 4, memoryBytes: 0.5 * GB }), 1, 'a Pi Zero 2 W');
    assert.equal(defaultInstances(WASM, { cores: 4, memoryBytes: 1 * GB }), 1, 'a 1 GB Pi 3');
    assert.equal(defaultInstances(WASM, { cores: 4, memoryBytes: 1.25 * GB }), 2, '192 MB a wasm worker');
    assert.equal(defaultInstances(WASM, { cores: 4, memoryBytes: 2 * GB }), 3, 'a 2 GB Pi 4');
  });

  it('runs the default detector as one instance with an intra-op thread per core detection may use', () => {
    const loaded = loadConfig({ text: '', env: {} });
    assert.ok(loaded.ok);
    const detector = loaded.config.detectors.default;
    assert.ok(detector);
    assert.deepEqual(detector, DEFAULT_DETECTOR, 'a config without detectors gets DEFAULT_DETECTOR');
    for (const [cores, threads] of [
      [1, 1],
      [2, 2],
      [4, 3],
      [16, 4],
    ] as const) {
      for (const memoryBytes of [0.42 * GB, 1 * GB, 8 * GB]) {
        const machine = { cores, memoryBytes };
        assert.equal(onnxIntraOpThreads(detector, machine), threads, `${cores} cores`);
        assert.equal(detectorInstances(detector, machine), 1, `${cores} cores, ${memoryBytes / GB} GB`);
      }
    }
    const set = { ...DEFAULT_DETECTOR, intra_op_threads: 6 };
    assert.equal(onnxIntraOpThreads(set, { cores: 2, memoryBytes: 8 * GB }), 6, 'the config’s threads win');
    assert.equal(onnxIntraOpThreads(WASM, { cores: 2, memoryBytes: 8 * GB }), undefined);
  });

  it('gives single-threaded onnx one instance on a 512 MB Zero 2 W and a 1 GB Pi 3', () => {
    const nanodet = {
      type: 'onnx',
      model: 'nanodet',
      execution_provider: 'cpu',
      intra_op_threads: 1,
    } as const;
    // totalmem() of a "1 GB" Pi 3 is ~906 MiB, of a Zero 2 W ~427 MiB (memory kept by the GPU).
    for (const memoryBytes of [0.42 * GB, 0.5 * GB, 0.9 * GB, 1 * GB]) {
      assert.equal(defaultInstances(nanodet, { cores: 4, memoryBytes }), 1, `${memoryBytes / GB} GB`);
      assert.equal(detectorInstances(nanodet, { cores: 4, memoryBytes }), 1);
    }
    assert.equal(defaultInstances(nanodet, { cores: 4, memoryBytes: 1.1 * GB }), 2, '64 MB an onnx worker');
    assert.equal(defaultInstances(nanodet, { cores: 4, memoryBytes: 1.15 * GB }), 3);
    assert.equal(defaultInstances(nanodet, { cores: 2, memoryBytes: 1.15 * GB }), 2);
    assert.equal(defaultInstances(nanodet, { cores: 4, memoryBytes: 1.05 * GB }), 1);
  });

  it('gives detectors that spread over the cores themselves, and remote ones, one instance', () => {
    const machine = { cores: 8, memoryBytes: 16 * GB };
    assert.equal(defaultInstances({ type: 'tfjs-node', model: 'centernet' }, machine), 1);
    assert.equal(defaultInstances({ type: 'onnx', model: 'nanodet', execution_provider: 'cpu' }, machine), 1);
    assert.equal(
      defaultInstances({ ...DEFAULT_DETECTOR, intra_op_threads: 2 }, { cores: 2, memoryBytes: 8 * GB }),
      1,
    );
    assert.equal(
      defaultInstances({ type: 'remote', url: 'http://ai-box:32168/v1/vision/detection' } as never, machine),
      1,
    );
  });

  it('counts onnxruntime held to one intra-op thread as single-threaded, like wasm', () => {
    const oneThread = {
      type: 'onnx',
      model: 'nanodet',
      execution_provider: 'cpu',
      intra_op_threads: 1,
    } as const;
    assert.equal(defaultInstances(oneThread, { cores: 2, memoryBytes: 8 * GB }), 2);
    assert.equal(defaultInstances(oneThread, { cores: 4, memoryBytes: 8 * GB }), 3);
  });

  it('takes `instances` from the config when it is set', () => {
    const machine = { cores: 2, memoryBytes: 8 * GB };
    assert.equal(detectorInstances({ type: 'wasm', model: 'centernet', instances: 3 }, machine), 3);
    assert.equal(detectorInstances({ type: 'wasm', model: 'centernet' }, machine), 2);
  });
});
