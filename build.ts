/**
 * Bundles the daemon into dist/vigil.mjs and the model worker thread into dist/detectorWorker.mjs
 * (+ sourcemaps). Packages with native parts or files loaded at run time stay external: they are
 * loaded from node_modules (on the image, built for arm64).
 */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import packageJson from './package.json' with { type: 'json' };

/** Packages with compiled parts that cannot be inlined into a JS bundle. */
export const NATIVE_MODULES = ['better-sqlite3', 'unix-dgram'];

/**
 * Everything left out of the bundles: native addons, plus the model stack, whose packages load
 * .wasm files, graph models and shared libraries from their own directories at run time.
 */
export const EXTERNAL_PACKAGES = [
  ...NATIVE_MODULES,
  '@tensorflow/*',
  '@vladmandic/human',
  'sharp',
  'onnxruntime-node',
];

/** Bundles by output name: the daemon, and the worker that hal/accel/worker/workerScript.ts finds beside it. */
export const ENTRY_POINTS = {
  vigil: 'runtime/main.ts',
  detectorWorker: 'hal/accel/worker/detectorWorker.ts',
};

/** The esbuild options of both bundles, written to `outdir`. */
export function bundleOptions(outdir = 'dist'): BuildOptions & { metafile: true } {
  return {
    entryPoints: ENTRY_POINTS,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    external: EXTERNAL_PACKAGES,
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
  };
}

async function main(): Promise<void> {
  const outfile = 'dist/vigil.mjs';
  const result = await build(bundleOptions('dist'));
  chmodSync(outfile, 0o755);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.error(
    `built ${outfile} and dist/detectorWorker.mjs (vigil ${packageJson.version}, ${(bytes / 1024 / 1024).toFixed(1)} MiB with sourcemaps)`,
  );
}

// Tests import bundleOptions() without building.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
