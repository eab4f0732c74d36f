/**
 * The event log writer script: `eventLogWorker.ts` beside this file when running from TypeScript
 * sources (tests, tsx), or `eventLogWorker.mjs` beside the bundle (dist/vigil.mjs, where esbuild
 * puts this code), built as its own entry point by build.ts.
 */
export function eventLogWorkerUrl(): URL {
  const fromSources = import.meta.url.endsWith('.ts');
  return new URL(fromSources ? './eventLogWorker.ts' : './eventLogWorker.mjs', import.meta.url);
}
