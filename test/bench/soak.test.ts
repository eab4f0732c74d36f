import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
/** Bundling, loading the models on a shared machine, then the minute itself. */
const TIMEOUT_MS = 360_000;

test('npm run soak -- --minutes 1 runs the appliance under load and prints its figures and verdicts', {
  timeout: TIMEOUT_MS,
}, async (t) => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/soak.ts', '--minutes', '1'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // On the test's timeout, SIGTERM: soak.ts stops vigil on its way out only if it gets to, so kill hard.
    signal: t.signal,
    killSignal: 'SIGKILL',
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(code, 0, `bench/soak.ts exited with ${signal ?? code}; its output:\n${output}`);
  // A line at minute 0 and minute 1, each with an RSS, a heap and the event counts.
  const rows = [...output.matchAll(/^\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\/0\/0$/gm)];
  assert.deepEqual(
    rows.map((row) => Number(row[1])),
    [0, 1],
    output,
  );
  const [, , rss, heap, fds, children, threads, accepted] = (rows[1] as RegExpMatchArray).map(Number);
  assert.ok((rss as number) > 50 && (heap as number) > 5 && (heap as number) < (rss as number), output);
  assert.ok((fds as number) > 10 && (threads as number) > 5, output);
  // One ffmpeg per camera.
  assert.ok((children as number) >= 2, output);
  // 10 events/s for a minute, less whatever a loaded machine delays.
  assert.ok((accepted as number) >= 300, output);
  assert.match(output, /RSS slope -?[\d.]+ ± [\d.]+ MB per 10 min/);
  assert.match(output, /RSS \d+ → \d+ MB \(first and last minute of the window\); slope by 10 minutes: /);
  assert.match(output, /V8 heap used \d+–\d+ MB, slope -?[\d.]+ MB per 10 min/);
  assert.match(output, /open descriptors \d+–\d+/);
  assert.match(output, /events: \d+ accepted \([\d.]+\/s\), 0 refused, 0 failed/);
  for (const line of output.trimEnd().split('\n').slice(-8)) t.diagnostic(line);
});
