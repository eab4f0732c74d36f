import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, OutputFile } from 'esbuild';
import type { UiAssets } from './uiAssets';

/** The front end's entry point (it imports its stylesheet, so esbuild emits one .js and one .css). */
const UI_ENTRY = fileURLToPath(new URL('../ui/main.ts', import.meta.url));

/**
 * esbuild options of the status page bundle: browser platform, minified, no external requests
 * (everything is bundled), results in memory.
 */
function uiBuildOptions(): BuildOptions & { write: false } {
  return {
    entryPoints: { status: UI_ENTRY },
    outdir: 'ui-out',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    // Browsers of 2022 on: phones and desktops the page is opened from.
    target: ['chrome100', 'edge100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'warning',
  };
}

/** The script and stylesheet from a build with `uiBuildOptions()`, with their content hash. */
function uiAssetsOf(outputFiles: OutputFile[]): UiAssets {
  const js = outputFiles.find((file) => file.path.endsWith('.js'))?.text;
  const css = outputFiles.find((file) => file.path.endsWith('.css'))?.text;
  if (js === undefined || css === undefined) throw new Error('the status page build produced no .js or .css');
  const version = createHash('sha256').update(js).update('\0').update(css).digest('hex').slice(0, 12);
  return { js, css, version };
}

/**
 * Builds the front end with esbuild (a dev dependency). The package name is a variable so that
 * bundling the daemon does not pull esbuild in: the bundle carries the built page instead.
 */
export async function buildUiAssets(): Promise<UiAssets> {
  const esbuildPackage = 'esbuild';
  const esbuild = (await import(esbuildPackage)) as typeof import('esbuild');
  const result = await esbuild.build(uiBuildOptions());
  return uiAssetsOf(result.outputFiles);
}
