import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The status page's browser bundle: one minified script and one stylesheet. */
export interface UiAssets {
  js: string;
  css: string;
  /** Both gzipped once at load, for browsers that take it (a phone on a slow link loads a third). */
  jsGzip: Buffer;
  cssGzip: Buffer;
  /** Short content hash of both, for cache-busting asset URLs. */
  version: string;
}

/** The files `npm run build` writes for the browser app (ui/), see build.ts. */
export const UI_FILES = { js: 'status.js', css: 'status.css' } as const;

/**
 * Where the built browser app is: `ui/` beside the daemon bundle (dist/vigil.mjs, where esbuild
 * puts this code, and on the image /opt/vigil/ui), or the project's dist/ui when running from
 * TypeScript sources (tests, tsx).
 */
function uiAssetsDir(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../../dist/ui/' : './ui/', import.meta.url));
}

let loading: Promise<UiAssets> | undefined;

/**
 * The built front end, read once from {@link uiAssetsDir}. Nothing is built at run time: when the
 * files are missing the error says how to make them (and the next request tries again).
 */
export function loadUiAssets(dir = uiAssetsDir()): Promise<UiAssets> {
  loading ??= read(dir).catch((err: unknown) => {
    loading = undefined;
    throw new Error(
      `the status page is not built (${(err as Error).message}); run 'npm run build', which writes it to dist/ui/`,
      { cause: err },
    );
  });
  return loading;
}

async function read(dir: string): Promise<UiAssets> {
  const [js, css] = await Promise.all([
    readFile(`${dir}/${UI_FILES.js}`, 'utf8'),
    readFile(`${dir}/${UI_FILES.css}`, 'utf8'),
  ]);
  const version = createHash('sha256').update(js).update('\0').update(css).digest('hex').slice(0, 12);
  return { js, css, version, jsGzip: gzipSync(js, { level: 9 }), cssGzip: gzipSync(css, { level: 9 }) };
}
