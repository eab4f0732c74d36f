import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { graphModelToOnnx } from '../../../models/onnx/graphModelToOnnx';
import { prebuiltOnnxFile, writePrebuiltOnnx } from '../../../models/onnx/prebuiltOnnx';
import { modelFile, modelManifest } from '../../../models/registry';
import { tempDir } from '../../helpers/tempDir';

describe('ONNX models converted at build time', () => {
  it('writes the default detector’s and the face models as the in-memory conversion makes them, and finds them there', () => {
    const dir = tempDir();
    assert.deepEqual(writePrebuiltOnnx(dir).sort(), ['blazeface.onnx', 'faceres.onnx', 'nanodet.onnx']);
    for (const id of ['nanodet', 'blazeface', 'faceres']) {
      const file = prebuiltOnnxFile(modelManifest(id), join(dir, 'models'));
      assert.equal(file, join(dir, 'models', `${id}.onnx`));
      assert.deepEqual(readFileSync(file), Buffer.from(graphModelToOnnx(modelFile(modelManifest(id)))), id);
    }
    assert.equal(prebuiltOnnxFile(modelManifest('centernet'), join(dir, 'models')), undefined);
  });

  it('finds none where there is no build (run from source: the graph is converted in memory)', () => {
    assert.equal(prebuiltOnnxFile(modelManifest('nanodet'), tempDir()), undefined);
    assert.equal(prebuiltOnnxFile(modelManifest('nanodet')), undefined);
  });
});
