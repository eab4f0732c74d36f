/**
 * Builds dist/: the browser app (ui/) into dist/ui/, then the daemon into dist/vigil.mjs and its
 * worker threads into dist/detectorWorker.mjs and dist/eventLogWorker.mjs (+ sourcemaps).
 * Packages with native parts or files loaded at run time stay external: they are loaded from
 * node_modules (on the image, built for arm64). The daemon serves dist/ui/ as the status page.
 * Model files of packages the appliance does not install go to dist/models/ (models/modelFiles.ts),
 * with the ONNX conversion of those the default detector runs (models/onnx/prebuiltOnnx.ts).
 */
import { chmodSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { copyPackagedModels } from './models/modelFiles';
import { writePrebuiltOnnx } from './models/onnx/prebuiltOnnx';
import packageJson from './package.json' with { type: 'json' };
import { UI_FILES } from './runtime/web/statusPage/uiAssets';

/**
 * Node options the daemon runs with (systemd/vigil.service, `npm start`, the event benchmark):
 * V8's young generation capped at 2 × 2 MiB, in every thread (the flag overrides a worker's own
 * resourceLimits). Nearly all of the event path's and the frame loop's garbage dies young (frame
 * pixels live outside the JS heap), so smaller semi-spaces cost no measurable throughput
 * (bench:events, 2 vs 4 MiB side by side: the same or more events/s; 8 MiB earlier saved ~15 MB
 * against V8's default) and keep RSS down: 8 → 2 MiB is about 35 MB less with two cameras and
 * their model workers (bench:memory).
 */
export const DAEMON_NODE_OPTIONS = ['--max-semi-space-size=2'];

/**
 * Environment the daemon runs with (systemd/vigil.service, `npm start`, bench/memory.bench.ts).
 * glibc gives each thread that mallocs its own arena (up to 8 per core), and the daemon's threads
 * (model workers, libvips, SQLite, libuv) each keep freed memory in theirs: two arenas cut the
 * appliance's RSS by about 50 MB (bench:memory) with no contention to speak of at this thread count.
 */
export const DAEMON_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  // A fixed mmap threshold (glibc otherwise raises it up to 32 MiB after the first large free):
  // buffers of 128 KiB and more are mapped and unmapped on their own, so the garbage of a model
  // conversion at load (models/onnx/graphModelToOnnx.ts: ~60 MB of typed arrays per detector
  // instance) goes back to the system instead of staying in the arenas (bench:memory).
  MALLOC_MMAP_THRESHOLD_: '131072',
};

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

/**
 * Bundles by output name: the daemon, and the worker threads it finds beside it (see
 * hal/accel/worker/workerScript.ts and runtime/events/eventLog/eventLogWorkerUrl.ts).
 */
export const ENTRY_POINTS = {
  vigil: 'runtime/main.ts',
  detectorWorker: 'hal/accel/worker/detectorWorker.ts',
  eventLogWorker: 'runtime/events/eventLog/eventLogWorker.ts',
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

/**
 * The browser app (ui/: vanilla TypeScript + DOM, no framework, no CDN), bundled for the browser
 * into `outdir` as status.js and status.css. The daemon reads them from beside its bundle at run
 * time (runtime/web/statusPage/uiAssets.ts); nothing is built at run time.
 */
export async function buildUi(outdir = 'dist/ui'): Promise<{ js: number; css: number }> {
  await build({
    entryPoints: { status: 'ui/main.ts' },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Browsers of 2022 on: phones and desktops the page is opened from.
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const size = (name: string) => statSync(join(outdir, name), { throwIfNoEntry: false })?.size ?? 0;
  const js = size(UI_FILES.js);
  const css = size(UI_FILES.css);
  if (js === 0 || css === 0)
    throw new Error(`the status page build wrote no ${UI_FILES.js} or ${UI_FILES.css} to ${outdir}`);
  return { js, css };
}

async function main(): Promise<void> {
  const outfile = 'dist/vigil.mjs';
  const ui = await buildUi('dist/ui');
  const result = await build(bundleOptions('dist'));
  chmodSync(outfile, 0o755);
  const models = [...copyPackagedModels('dist'), ...writePrebuiltOnnx('dist')];
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.error(
    `built ${outfile}, dist/detectorWorker.mjs and dist/eventLogWorker.mjs (vigil ${packageJson.version}, ${(bytes / 1024 / 1024).toFixed(1)} MiB with sourcemaps; status page dist/ui: ${kib(ui.js)} KiB script + ${kib(ui.css)} KiB style; dist/models: ${models.join(', ')})`,
  );
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

// Tests import bundleOptions() without building.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
