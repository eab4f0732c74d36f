/**
 * Runs a benchmark the way the appliance runs code: bundled by esbuild (with the worker threads
 * it starts beside it) and executed by plain node with the daemon's node options, without tsx's
 * loader thread, so the memory it prints is the daemon's. Usage: tsx bench/bundled.ts events.bench.ts [node options, e.g. --cpu-prof]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, DAEMON_NODE_OPTIONS, ENTRY_POINTS } from '../build';

const [bench, ...nodeArgs] = process.argv.slice(2);
if (!bench) throw new Error('usage: tsx bench/bundled.ts <name>.bench.ts');
const name = basename(bench, '.ts');
// Inside the project, so the bundle's external packages resolve from its node_modules.
const outdir = join('node_modules', '.cache', `vigil-bench-${process.pid}`);
mkdirSync(outdir, { recursive: true });
try {
  const { vigil: _daemon, ...workers } = ENTRY_POINTS;
  await build({ ...bundleOptions(outdir), entryPoints: { ...workers, [name]: join('bench', `${name}.ts`) } });
  const result = spawnSync(
    process.execPath,
    [...DAEMON_NODE_OPTIONS, ...nodeArgs, join(outdir, `${name}.mjs`)],
    {
      stdio: 'inherit',
    },
  );
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
