/**
 * Builds bundles the way build.ts builds dist/ (same esbuild options) into a fresh directory of
 * the bench's own, removed when the bench exits. Benches measure what ships without depending on
 * dist/ (missing, or older than the sources) and without overwriting it while tests may be running it.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildUi, bundleOptions } from '../build';
import { benchTempDir } from './benchTempDir';

const ROOT = join(import.meta.dirname, '..');

/** Bundles `entryPoints` (output name → source, relative to the project) and runs `use` on their directory. */
export async function withBundles<T>(
  entryPoints: Record<string, string>,
  use: (dir: string) => Promise<T> | T,
): Promise<T> {
  const dir = benchTempDir('vigil-bench-bundle-');
  // The external packages (native addons, the model stack) resolve from the project's own.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const sources = Object.fromEntries(
    Object.entries(entryPoints).map(([name, src]) => [name, join(ROOT, src)]),
  );
  await build({ ...bundleOptions(dir), entryPoints: sources });
  // The daemon serves the status page from ui/ beside its bundle.
  await buildUi(join(dir, 'ui'));
  return await use(dir);
}
