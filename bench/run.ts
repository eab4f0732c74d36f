/**
 * Runs every benchmark in bench/ one after another (they print their own figures), each the way
 * its npm script runs it, then a summary. Arguments narrow the run: `tsx bench/run.ts events`.
 *
 * `--smoke` runs them with tiny sizes (see benchMode.ts), each under a time limit: what `npm test`
 * runs (test/bench/benchSmoke.test.ts) so that a benchmark that no longer works fails there.
 * Exits 1 if any bench exits non-zero, is killed, or overruns the limit, or if no bench matches.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE_ENV } from './benchMode';

/** Benches measured bundled, as on the appliance (`npm run bench:events`): see bundled.ts. */
const BUNDLED = new Set(['events.bench.ts']);
/**
 * A smoke bench takes seconds; one still running after this hangs. Generous, since `npm test`
 * runs other test files on the same cores meanwhile.
 */
const SMOKE_LIMIT_MS = 150_000;

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const filters = args.filter((arg) => arg !== '--smoke');
const benches = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark in bench/ matches ${filters.join(' ')}`);
  process.exit(1);
}

// The benches' temporary files go under one directory, removed at the end: a bench killed
// (over its time limit, or on Ctrl-C) cannot remove its own.
const benchTmp = mkdtempSync(join(tmpdir(), 'vigil-bench-run-'));
process.once('exit', () => rmSync(benchTmp, { recursive: true, force: true }));

let current: ChildProcess | undefined;
/** The bench and whatever it started (ffmpeg, mosquitto, vigil, a bundled child): its own process group. */
function killCurrent(): void {
  if (current?.pid !== undefined && current.exitCode === null && current.signalCode === null) {
    try {
      process.kill(-current.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
// The benches run in process groups of their own, out of reach of a Ctrl-C at the terminal.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    killCurrent();
    process.exit(code);
  });
}

/** Runs one bench; resolves to what went wrong, or undefined if it exited 0. */
function runBench(bench: string): Promise<string | undefined> {
  const file = join(import.meta.dirname, bench);
  const command = BUNDLED.has(bench) ? [join(import.meta.dirname, 'bundled.ts'), bench] : [file];
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: benchTmp };
  if (smoke) env[SMOKE_ENV] = '1';
  else delete env[SMOKE_ENV];
  const child = spawn(process.execPath, ['--import', 'tsx', ...command], {
    stdio: 'inherit',
    env,
    detached: true,
  });
  current = child;
  let timedOut = false;
  const timer = smoke
    ? setTimeout(() => {
        timedOut = true;
        killCurrent();
      }, SMOKE_LIMIT_MS)
    : undefined;
  return new Promise((resolve) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(`could not start: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve(`still running after ${SMOKE_LIMIT_MS / 1000} s: killed`);
      else if (signal) resolve(`killed by ${signal}`);
      else resolve(code === 0 ? undefined : `exit code ${code}`);
    });
  });
}

const results: Array<{ bench: string; seconds: number; problem: string | undefined }> = [];
const startedAll = performance.now();
for (const bench of benches) {
  console.log(`\n=== ${bench}${BUNDLED.has(bench) ? ' (bundled)' : ''}${smoke ? ' (smoke)' : ''}`);
  const started = performance.now();
  const problem = await runBench(bench);
  results.push({ bench, seconds: (performance.now() - started) / 1000, problem });
}
const totalSeconds = (performance.now() - startedAll) / 1000;

console.log(`\n${smoke ? 'smoke run' : 'benchmarks'}: ${benches.length} in ${totalSeconds.toFixed(1)} s`);
for (const { bench, seconds, problem } of results) {
  console.log(
    `  ${bench.padEnd(24)} ${seconds.toFixed(1).padStart(6)} s  ${problem ? `FAILED: ${problem}` : 'ok'}`,
  );
}
const failed = results.filter((r) => r.problem !== undefined);
if (failed.length > 0) console.error(`${failed.length} of ${benches.length} benchmarks failed`);
process.exit(failed.length === 0 ? 0 : 1);
