import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on `script`. A .ts script is started through a tiny bootstrap that
 * registers tsx inside the worker first: on Node 20, `--import tsx` in a worker's execArgv
 * does not apply to the worker's own entry module.
 */
export function startWorker(script: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = [
    `import { register } from ${JSON.stringify(tsx)};`,
    'register();',
    `await import(${JSON.stringify(script.href)});`,
  ].join('\n');
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData,
    resourceLimits,
  });
}
