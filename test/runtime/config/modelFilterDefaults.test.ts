import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelManifest } from '../../../models/registry';
import { brief, invalid, valid } from './helpers';

const SIZE = { min_area: 0, max_area: 10_000_000 };

function modelFilter(model: string) {
  const defaults = modelManifest(model).defaults;
  assert.ok(defaults, `${model} has no calibrated defaults`);
  return { min_score: defaults.minScore, threshold: defaults.threshold, ...SIZE };
}

describe("a camera's object filters default to its detector's model", () => {
  it('the default detector: each tracked label gets the model values', () => {
    const config = valid(
      'cameras:\n  front: { source: { driver: sim }, objects: { track: [person, car] } }\n',
    );
    const detector = config.detectors.default;
    const model = (detector && 'model' in detector ? detector.model : undefined) ?? '';
    assert.deepEqual(config.cameras.front?.objects.filters, {
      person: modelFilter(model),
      car: modelFilter(model),
    });
  });

  for (const model of ['centernet', 'nanodet']) {
    it(`a ${model} detector`, () => {
      const config = valid(
        `detectors:\n  default: { type: wasm, model: ${model} }\ncameras:\n  front: { source: { driver: sim } }\n`,
      );
      assert.deepEqual(config.cameras.front?.objects.filters, { person: modelFilter(model) });
    });
  }

  it('what the config sets wins, per value, from the file and from the environment', () => {
    const config = valid(
      'detectors:\n  default: { type: wasm, model: nanodet }\n' +
        'cameras:\n  front: { source: { driver: sim }, objects: { filters: { person: { min_score: 0.45 } } } }\n',
      { env: { VIGIL_CAMERAS_FRONT_OBJECTS_FILTERS_PERSON_THRESHOLD: '0.66' } },
    );
    assert.deepEqual(config.cameras.front?.objects.filters.person, {
      min_score: 0.45,
      threshold: 0.66,
      ...SIZE,
    });
  });

  it('an onnx detector running a built-in model', () => {
    const config = valid(
      'detectors:\n  default: { type: onnx, model: nanodet }\ncameras:\n  front: { source: { driver: sim } }\n',
    );
    assert.deepEqual(config.cameras.front?.objects.filters, { person: modelFilter('nanodet') });
  });

  it("a detector without a registry model (an onnx file, remote) leaves the schema's (Frigate's) defaults", () => {
    for (const detector of [
      '{ type: onnx, model_path: m.onnx }',
      '{ type: remote, url: "http://x:1/detect" }',
    ]) {
      const config = valid(
        `detectors:\n  default: ${detector}\ncameras:\n  front: { source: { driver: sim } }\n`,
      );
      assert.deepEqual(config.cameras.front?.objects.filters, {}, detector);
    }
  });

  it('a label named like an Object.prototype property changes nothing outside the config', () => {
    valid(
      'cameras:\n  front: { source: { driver: sim }, objects: { track: [person, __proto__, constructor] } }\n',
    );
    assert.equal(({} as Record<string, unknown>).min_score, undefined);
    assert.equal(({} as Record<string, unknown>).threshold, undefined);
  });

  it('an onnx detector names exactly one of model_path and model', () => {
    assert.deepEqual(brief(invalid('detectors:\n  default: { type: onnx }\n')), [
      {
        path: 'detectors.default',
        message: "needs 'model_path' (an .onnx file) or 'model' (a built-in model: nanodet)",
      },
    ]);
    assert.deepEqual(
      brief(invalid('detectors:\n  default: { type: onnx, model: nanodet, model_path: m.onnx }\n')),
      [{ path: 'detectors.default', message: "give 'model_path' or 'model', not both" }],
    );
  });
});
