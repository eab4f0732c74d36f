/**
 * Runs a benchmark the way the appliance runs code: bundled by esbuild (with the worker threads
 * it starts beside it) and executed by plain node with the daemon's node options, without tsx's
 * loader thread, so the memory it prints is the daemon's. Usage: tsx bench/bundled.ts events.bench.ts [node options, e.g. --cpu-prof]
 * Exits with the bench's exit code (1 if it was killed by a signal).
 */
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { DAEMON_NODE_OPTIONS, ENTRY_POINTS } from '../build';
import { withBundles } from './bundles';

const [bench, ...nodeArgs] = process.argv.slice(2);
if (!bench) throw new Error('usage: tsx bench/bundled.ts <name>.bench.ts');
const name = basename(bench, '.ts');
const { vigil: _daemon, ...workers } = ENTRY_POINTS;
process.exitCode = await withBundles(
  { ...workers, [name]: join('bench', `${name}.ts`) },
  (dir) =>
    spawnSync(process.execPath, [...DAEMON_NODE_OPTIONS, ...nodeArgs, join(dir, `${name}.mjs`)], {
      stdio: 'inherit',
    }).status ?? 1,
);
