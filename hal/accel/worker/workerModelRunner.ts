import type { Logger } from '../../../base/logger';
import type { TensorData } from '../../../models/types';
import type { LoadableModelRunner, ModelInfo } from '../types';
import type { RunnerEngine } from './protocol';
import { SupervisedWorker } from './supervisedWorker';
import { detectorWorkerUrl } from './workerScript';

/** Default: a call unanswered for 10 s means the worker is stuck (centernet on wasm takes ~0.3 s). */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
/** Default bound on loading (and warming up) one model in a worker. */
const DEFAULT_LOAD_TIMEOUT_MS = 120_000;

export interface WorkerModelRunnerOptions {
  /** The runner each worker hosts: TensorFlow.js on a backend, or onnxruntime on a provider. */
  engine: RunnerEngine;
  logger: Logger;
  /** Names the runner in logs and errors; default: the engine. */
  label?: string;
  /**
   * Worker threads, each with its own copy of every model it is asked for; calls go to the least
   * busy one, so this many run at once. All of them load a model when load() is called. Default 1.
   */
  instances?: number;
  /** A run with no answer for this long fails and restarts its worker. Default 10 s. */
  callTimeoutMs?: number;
  /** The same for loading a model. Default 120 s. */
  loadTimeoutMs?: number;
  /** Worker script; default the detector worker. Tests pass scripted workers. */
  script?: URL;
}

/**
 * A ModelRunner whose models run in a pool of supervised worker threads, off the main thread.
 * Inputs are moved to the worker (the caller's Float32Array is detached afterwards). A stuck call
 * rejects after `callTimeoutMs` and its worker is replaced; so is a crashed one, and the
 * replacement loads the models again while the other workers go on answering. Object detectors
 * use one each (`instances` workers); face recognition can create its own (or share one: model
 * ids are independent):
 *
 *     const runner = new WorkerModelRunner({ engine: { engine: 'tfjs', backend: 'wasm' }, logger });
 *     await runner.load('faceres');
 *     const [embedding] = await runner.run('faceres', { data, shape: [1, 224, 224, 3] });
 */
export class WorkerModelRunner implements LoadableModelRunner {
  readonly #label: string;
  readonly #workers: SupervisedWorker[];
  #closed = false;

  constructor(options: WorkerModelRunnerOptions) {
    this.#label = options.label ?? engineLabel(options.engine);
    const instances = Math.max(1, options.instances ?? 1);
    this.#workers = Array.from(
      { length: instances },
      (_, index) =>
        new SupervisedWorker({
          script: options.script ?? detectorWorkerUrl(),
          workerData: options.engine,
          label: instances > 1 ? `${this.#label} #${index + 1}` : this.#label,
          callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
          loadTimeoutMs: options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
          logger: options.logger,
        }),
    );
  }

  /** Loads (and warms up) a model in every worker, all at once; fails if any of them cannot. */
  async load(modelId: string): Promise<ModelInfo> {
    this.#checkOpen();
    const [info] = await Promise.all(this.#workers.map((worker) => worker.load(modelId)));
    if (!info) throw new Error(`${this.#label}: no model worker available`);
    return info;
  }

  async run(modelId: string, input: TensorData): Promise<TensorData[]> {
    this.#checkOpen();
    return this.#leastBusy().run(modelId, input);
  }

  /** How many times a worker thread was replaced after getting stuck or crashing. */
  restarts(): number {
    return this.#workers.reduce((sum, worker) => sum + worker.restarts, 0);
  }

  /** Worker threads in the pool (each started by its first load or run). */
  instances(): number {
    return this.#workers.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((worker) => worker.close()));
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`${this.#label}: model runner is closed`);
  }

  /** The worker with the fewest calls in progress; the first of equals, so one call uses one warm worker. */
  #leastBusy(): SupervisedWorker {
    let best = this.#workers[0];
    for (const worker of this.#workers) if (best && worker.pending < best.pending) best = worker;
    if (!best) throw new Error(`${this.#label}: no model worker available`);
    return best;
  }
}

function engineLabel(engine: RunnerEngine): string {
  return engine.engine === 'tfjs' ? `tfjs ${engine.backend}` : `onnx ${engine.executionProvider}`;
}
