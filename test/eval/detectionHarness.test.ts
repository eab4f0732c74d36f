import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClipScore } from '../../eval/score';
import { tempDir } from '../helpers/tempDir';

const ROOT = join(import.meta.dirname, '..', '..');

interface Row {
  clip: string;
  model: string;
  score: ClipScore;
  filters: { min_score: number; threshold: number };
}

/**
 * `npm run eval:detection -- --quick` end to end: the first 4 s of the real pedestrian clip and
 * 3 s of the empty scene through the appliance's pipeline (file camera, motion, regions,
 * centernet in its worker thread, tracker). It checks that the harness measures, not how well
 * the model does: every frame processed, people annotated and some found at the baseline
 * filters, numbers within their ranges, and no incident on the empty scene. The footage is
 * fetched from Debian's archive on first use (eval/footage.ts).
 */
test('the detection harness runs the pipeline over vtest and the empty scene (quick mode)', {
  timeout: 110_000,
}, async (t) => {
  const json = join(tempDir('vigil-eval-harness-'), 'rows.json');
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'eval/detection.ts', '--quick', '--model', 'centernet', '--min-score', '0.3'].concat([
      '--threshold',
      '0.5',
      '--json',
      json,
    ]),
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], signal: t.signal },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, `eval/detection.ts failed; its output:\n${output}`);
  console.log(output);
  assert.match(output, /\| clip \| model \| min_score\/threshold \| frames \| frame recall \|/);
  assert.match(output, /\| vtest \| centernet \| 0\.3\/0\.5 \| 40 \|/);
  assert.match(output, /\| empty \| centernet \| 0\.3\/0\.5 \| 30 \|/);

  const rows = JSON.parse(readFileSync(json, 'utf8')) as Row[];
  const vtest = rows.find((r) => r.clip === 'vtest')?.score;
  const empty = rows.find((r) => r.clip === 'empty')?.score;
  assert.ok(vtest && empty, 'both clips scored');
  // Lossless file camera: every frame reaches the pipeline; 2 Hz annotations over 4 s.
  assert.equal(vtest.frames, 40);
  assert.equal(vtest.annotatedFrames, 8);
  const { truePositives: tp, falseNegatives: fn, falsePositives: fp } = vtest.perFrame;
  assert.ok(tp + fn >= 20, `people annotated on the first 8 frames: ${tp + fn}`);
  assert.ok(tp > 0, 'the pipeline finds some of the people at min_score 0.3 / threshold 0.5');
  assert.ok(tp + fp > 0 && tp / (tp + fp) <= 1);
  assert.ok(vtest.incidents.people > 0 && vtest.incidents.found <= vtest.incidents.people);
  assert.ok(vtest.detectorCallsPerSecond > 0 && vtest.framesPerSecond > 0);

  assert.equal(empty.frames, 30);
  assert.equal(empty.incidents.total, 0, 'an empty scene raises no incident');
  assert.equal(empty.perFrame.falsePositives, 0);
});
