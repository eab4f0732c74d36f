/**
 * Bundles the daemon into dist/vigil.mjs and its worker threads into dist/detectorWorker.mjs and
 * dist/eventLogWorker.mjs (+ sourcemaps). Packages with native parts or files loaded at run time stay external: they are
 * loaded from node_modules (on the image, built for arm64). The status page front end
 * (runtime/web/ui/) is bundled for the browser first and embedded in dist/vigil.mjs as text.
 */
import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import packageJson from './package.json' with { type: 'json' };
import type { UiAssets } from './runtime/web/statusPage/uiAssets';
import { buildUiAssets } from './runtime/web/statusPage/uiBuild';

/**
 * Node options the daemon runs with (systemd/vigil.service, `npm start`, the event benchmark):
 * V8's young generation capped at 2 × 8 MiB. Nearly all of the event path's garbage dies young,
 * so smaller semi-spaces cost no measurable throughput and keep ~15 MB off the RSS.
 */
export const DAEMON_NODE_OPTIONS = ['--max-semi-space-size=8'];

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
    plugins: [statusPageUiPlugin()],
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

// ---------------------------------------------------------------------------------------------
// The status page front end (runtime/web/ui/: vanilla TypeScript + DOM, no framework, no CDN).
// It is bundled for the browser (platform browser, minified; options in
// runtime/web/statusPage/uiBuild.ts, shared with the build-on-demand used when running from
// sources) and the daemon bundle gets it as text: this plugin replaces the module
// runtime/web/statusPage/embeddedUi.ts (whose source says null) with the built script and
// stylesheet, so dist/vigil.mjs serves `/` and `/assets/*` with no other file on disk.
// ---------------------------------------------------------------------------------------------

const EMBEDDED_UI_MODULE = resolve(import.meta.dirname, 'runtime/web/statusPage/embeddedUi.ts');

/** Embeds the built front end into any bundle that imports embeddedUi.ts; `onBuilt` hears its size. */
export function statusPageUiPlugin(onBuilt?: (assets: UiAssets) => void): Plugin {
  return {
    name: 'vigil-status-page-ui',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]statusPage[\\/]embeddedUi\.ts$/ }, async (args) => {
        if (resolve(args.path) !== EMBEDDED_UI_MODULE) return undefined;
        const assets = await buildUiAssets();
        onBuilt?.(assets);
        return {
          contents: `export const EMBEDDED_UI = ${JSON.stringify(assets)};\n`,
          loader: 'js',
        };
      });
    },
  };
}

async function main(): Promise<void> {
  const outfile = 'dist/vigil.mjs';
  let ui: UiAssets | undefined;
  const options = bundleOptions('dist');
  const result = await build({
    ...options,
    plugins: [statusPageUiPlugin((assets) => (ui = assets))],
  });
  chmodSync(outfile, 0o755);
  if (!ui) throw new Error('the status page front end was not embedded in dist/vigil.mjs');
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.error(
    `built ${outfile}, dist/detectorWorker.mjs and dist/eventLogWorker.mjs (vigil ${packageJson.version}, ${(bytes / 1024 / 1024).toFixed(1)} MiB with sourcemaps; status page ${kib(ui.js)} KiB script + ${kib(ui.css)} KiB style)`,
  );
}

function kib(text: string): string {
  return (Buffer.byteLength(text) / 1024).toFixed(1);
}

// Tests import bundleOptions() without building.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
