/**
 * The detector worker script: `detectorWorker.ts` beside this file when running from
 * TypeScript sources (tests, tsx), or `detectorWorker.mjs` beside the bundle (dist/vigil.mjs,
 * where esbuild puts this code), built as a second entry point by build.ts.
 */
export function detectorWorkerUrl(): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  return new URL(fromSources ? './detectorWorker.ts' : './detectorWorker.mjs', import.meta.url);
}
