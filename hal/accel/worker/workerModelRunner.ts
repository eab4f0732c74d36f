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
  /** Most worker threads to use; more start only while every running one is busy. Default 1. */
  threads?: number;
  /** A run with no answer for this long fails and restarts its worker. Default 10 s. */
  callTimeoutMs?: number;
  /** The same for loading a model. Default 120 s. */
  loadTimeoutMs?: number;
  /** Worker script; default the detector worker. Tests pass scripted workers. */
  script?: URL;
}

/**
 * A ModelRunner whose models run in supervised worker threads, off the main thread. Inputs are
 * moved to the worker (the caller's Float32Array is detached afterwards). A stuck call rejects
 * after `callTimeoutMs` and its worker is replaced; so is a crashed one. Object detectors use one
 * each; face recognition can create its own (or share one: model ids are independent):
 *
 *     const runner = new WorkerModelRunner({ engine: { engine: 'tfjs', backend: 'wasm' }, logger });
 *     await runner.load('faceres');
 *     const [embedding] = await runner.run('faceres', { data, shape: [1, 224, 224, 3] });
 */
export class WorkerModelRunner implements LoadableModelRunner {
  readonly #options: WorkerModelRunnerOptions;
  readonly #label: string;
  readonly #maxThreads: number;
  /** Workers that have every known model loaded and take calls. */
  readonly #ready: SupervisedWorker[] = [];
  /** Workers still loading models before they join #ready. */
  readonly #starting = new Set<SupervisedWorker>();
  /** Every model asked for so far; a new worker loads them all before it takes calls. */
  readonly #models = new Set<string>();
  #closed = false;

  constructor(options: WorkerModelRunnerOptions) {
    this.#options = options;
    this.#label = options.label ?? engineLabel(options.engine);
    this.#maxThreads = Math.max(1, options.threads ?? 1);
    this.#ready.push(this.#newWorker());
  }

  /** Loads (and warms up) a model in the first worker; added workers load it before taking calls. */
  async load(modelId: string): Promise<ModelInfo> {
    this.#models.add(modelId);
    return this.#leastBusy().load(modelId);
  }

  async run(modelId: string, input: TensorData): Promise<TensorData[]> {
    this.#models.add(modelId);
    const worker = this.#leastBusy();
    if (worker.pending > 0) this.#grow();
    return worker.run(modelId, input);
  }

  /** How many times a worker thread was replaced after getting stuck or crashing. */
  restarts(): number {
    return [...this.#ready, ...this.#starting].reduce((sum, worker) => sum + worker.restarts, 0);
  }

  /** Worker threads in use (started lazily, so this grows under concurrent load). */
  threads(): number {
    return this.#ready.length + this.#starting.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = [...this.#ready, ...this.#starting];
    this.#ready.length = 0;
    this.#starting.clear();
    await Promise.all(workers.map((worker) => worker.close()));
  }

  #leastBusy(): SupervisedWorker {
    if (this.#closed) throw new Error(`${this.#label}: model runner is closed`);
    let best = this.#ready[0];
    for (const worker of this.#ready) if (best && worker.pending < best.pending) best = worker;
    if (!best) throw new Error(`${this.#label}: no model worker available`);
    return best;
  }

  /** Starts one more worker in the background when every worker is busy and the limit allows. */
  #grow(): void {
    if (this.threads() >= this.#maxThreads || this.#ready.some((worker) => worker.pending === 0)) return;
    const worker = this.#newWorker();
    this.#starting.add(worker);
    Promise.all([...this.#models].map((modelId) => worker.load(modelId))).then(
      () => {
        if (!this.#starting.delete(worker)) return;
        this.#ready.push(worker);
        this.#options.logger.debug({ threads: this.threads() }, 'model worker added');
      },
      (err: Error) => {
        this.#starting.delete(worker);
        void worker.close();
        this.#options.logger.warn({ err }, 'extra model worker failed to load its models; staying smaller');
      },
    );
  }

  #newWorker(): SupervisedWorker {
    return new SupervisedWorker({
      script: this.#options.script ?? detectorWorkerUrl(),
      workerData: this.#options.engine,
      label: this.#label,
      callTimeoutMs: this.#options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      loadTimeoutMs: this.#options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS,
      logger: this.#options.logger,
    });
  }
}

function engineLabel(engine: RunnerEngine): string {
  return engine.engine === 'tfjs' ? `tfjs ${engine.backend}` : `onnx ${engine.executionProvider}`;
}
