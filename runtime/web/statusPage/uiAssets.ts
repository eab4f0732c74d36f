import { EMBEDDED_UI } from './embeddedUi';

/** The status page's browser bundle: one minified script and one stylesheet. */
export interface UiAssets {
  js: string;
  css: string;
  /** Short content hash of both, for cache-busting asset URLs. */
  version: string;
}

let loading: Promise<UiAssets> | undefined;

/**
 * The front end built from runtime/web/ui/. The daemon bundle (dist/vigil.mjs) carries it
 * embedded (build.ts swaps embeddedUi.ts for the built text), so `dist/` alone serves the page.
 * Run from sources (tsx, in-process tests) it is built once on first use with esbuild, a dev
 * dependency; where neither is possible the error says how to fix it.
 */
export function loadUiAssets(): Promise<UiAssets> {
  loading ??= EMBEDDED_UI ? Promise.resolve(EMBEDDED_UI) : buildFromSources();
  return loading;
}

async function buildFromSources(): Promise<UiAssets> {
  try {
    const { buildUiAssets } = await import('./uiBuild');
    return await buildUiAssets();
  } catch (err) {
    loading = undefined;
    throw new Error(
      `the status page is not built into this program and cannot be built here (${(err as Error).message}); run 'npm run build' and start dist/vigil.mjs`,
      { cause: err },
    );
  }
}
