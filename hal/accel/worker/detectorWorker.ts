/**
 * Entry point of a model worker thread (bundled as dist/detectorWorker.mjs): hosts the runner
 * named by `workerData` (a RunnerEngine) and answers the main thread's WorkerRequests.
 */
import { workerData } from 'node:worker_threads';
import { createEngineRunner } from './engineRunner';
import type { RunnerEngine } from './protocol';
import { serveModelRunner } from './serveModelRunner';

serveModelRunner(await createEngineRunner(workerData as RunnerEngine));
