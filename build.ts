/**
 * Bundles the daemon into one ESM file, dist/vigil.mjs (+ sourcemap). Native addons stay
 * external: they are loaded from node_modules (on the image, built for arm64).
 */
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';
import packageJson from './package.json' with { type: 'json' };

/** Packages with compiled parts that cannot be inlined into a JS bundle. */
export const NATIVE_MODULES = ['better-sqlite3', 'unix-dgram'];

const outfile = 'dist/vigil.mjs';

const result = await build({
  entryPoints: ['runtime/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: NATIVE_MODULES,
  metafile: true,
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require() and use __dirname; give them ESM equivalents.
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __vigilCreateRequire } from 'node:module';",
      "import { fileURLToPath as __vigilFileURLToPath } from 'node:url';",
      'const require = __vigilCreateRequire(import.meta.url);',
      'const __filename = __vigilFileURLToPath(import.meta.url);',
      "const __dirname = __vigilFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
});

chmodSync(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.error(
  `built ${outfile} (vigil ${packageJson.version}, ${(bytes / 1024 / 1024).toFixed(1)} MiB with sourcemap)`,
);
