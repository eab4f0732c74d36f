import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultInstances, detectorInstances } from '../../../hal/accel/detectorInstances';

const GB = 1024 ** 3;

describe('detector instances', () => {
  it('gives wasm one instance per core, less one core for the cameras from 3 cores up, at most 4', () => {
    assert.equal(defaultInstances('wasm', { cores: 1, memoryBytes: 8 * GB }), 1);
    assert.equal(defaultInstances('wasm', { cores: 2, memoryBytes: 8 * GB }), 2);
    assert.equal(defaultInstances('wasm', { cores: 4, memoryBytes: 8 * GB }), 3, 'a Pi 4 or 5');
    assert.equal(defaultInstances('cpu', { cores: 16, memoryBytes: 64 * GB }), 4);
  });

  it('gives one instance per GB of memory at most', () => {
    assert.equal(defaultInstances('wasm', { cores: 4, memoryBytes: 0.5 * GB }), 1, 'a Pi Zero 2 W');
    assert.equal(defaultInstances('wasm', { cores: 4, memoryBytes: 1 * GB }), 1, 'a 1 GB Pi 3');
    assert.equal(defaultInstances('wasm', { cores: 4, memoryBytes: 2 * GB }), 2);
  });

  it('gives self-threaded and remote detectors one instance', () => {
    for (const type of ['tfjs-node', 'onnx', 'remote'] as const) {
      assert.equal(defaultInstances(type, { cores: 8, memoryBytes: 16 * GB }), 1, type);
    }
  });

  it('takes `instances` from the config when it is set', () => {
    const machine = { cores: 2, memoryBytes: 8 * GB };
    assert.equal(detectorInstances({ type: 'wasm', model: 'centernet', instances: 3 }, machine), 3);
    assert.equal(detectorInstances({ type: 'wasm', model: 'centernet' }, machine), 2);
  });
});
