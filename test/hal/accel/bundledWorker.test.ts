import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { bundleOptions } from '../../../build';

// Inside the project, so the bundles' external packages resolve from its node_modules.
const outdir = join('node_modules', '.cache', `vigil-bundle-test-${process.pid}`);
after(() => rmSync(outdir, { recursive: true, force: true }));

it('the esbuild bundles find and start the bundled detector worker', async () => {
  mkdirSync(outdir, { recursive: true });
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
  };
  assert.ok(result.workerUrl.endsWith(`${outdir}/detectorWorker.mjs`));
  assert.ok(
    result.detections.some((d) => d.label === 'person' && d.score > 0.5),
    stdout,
  );
});
