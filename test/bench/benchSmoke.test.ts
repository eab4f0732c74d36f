import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Benchmarks are run by hand, rarely; this runs every one of them in smoke mode (tiny sizes, see
 * bench/benchMode.ts) so that one that no longer works fails here rather than rotting unnoticed.
 * About a minute alone on 2 cores; bench/run.ts kills a bench that hangs. test/run.ts runs this
 * file after the others, with a 600 s limit per file; the test's own limit is shorter so that it
 * fires first and bench/run.ts is stopped (and stops its bench) rather than left running.
 */
const TIMEOUT_MS = 540_000;

test('every benchmark in bench/ runs in smoke mode (tsx bench/run.ts --smoke)', {
  timeout: TIMEOUT_MS,
}, async (t) => {
  const env = { ...process.env };
  // Inherited from this test process, it would make any node:test use down there report to us.
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // On the test's timeout, SIGTERM: bench/run.ts then kills the running bench and all it started.
    signal: t.signal,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(code, 0, `bench/run.ts --smoke exited with ${signal ?? code}; its output:\n${output}`);
  // The time each bench took, for whoever wonders where this test's minute went.
  const summary = output.slice(output.lastIndexOf('\nsmoke run:') + 1).trimEnd();
  for (const line of summary.split('\n')) t.diagnostic(line);
});
