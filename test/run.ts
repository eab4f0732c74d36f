/**
 * Runs every test file under test/ with node:test (TypeScript through tsx), after making sure
 * the OS programs the tests use are installed. Arguments narrow the run: `tsx test/run.ts store`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildUi } from '../build';
import { ensureSystemPackages } from './setup/systemPackages';

/**
 * Files that run for minutes (test/bench/: every benchmark in smoke mode) run after the others,
 * alone, under a longer limit: node 20's --test-timeout bounds a whole file, whatever timeout its
 * tests ask for, and running beside the other files would only slow both down.
 */
const LONG_RUNNING_DIR = join('test', 'bench');
const TIMEOUT_MS = 120_000;
const LONG_RUNNING_TIMEOUT_MS = 600_000;

const filters = process.argv.slice(2);
const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join('test', file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

function runTests(group: string[], timeoutMs: number): number {
  if (group.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      `--test-timeout=${timeoutMs}`,
      '--test-force-exit',
      ...group,
    ],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}

ensureSystemPackages();
// In-process tests serve the status page from dist/ui, as the daemon does; building it takes a second.
await buildUi();
const isLongRunning = (file: string) => file.startsWith(`${LONG_RUNNING_DIR}/`);
const statuses = [
  runTests(
    files.filter((file) => !isLongRunning(file)),
    TIMEOUT_MS,
  ),
  runTests(files.filter(isLongRunning), LONG_RUNNING_TIMEOUT_MS),
];
process.exit(statuses.every((status) => status === 0) ? 0 : 1);
