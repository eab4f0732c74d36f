import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../../base/logger';
import { startWorker } from '../../../base/workerThread';
import type { TensorData } from '../../../models/types';
import type { ModelInfo } from '../types';
import { transferableBuffers, type WorkerReply, type WorkerRequest } from './protocol';

/** Timing and identity of one supervised model worker. */
export interface SupervisedWorkerOptions {
  /** Worker script (see workerScript.ts) and its `workerData`. */
  script: URL;
  workerData: unknown;
  /** Names the worker in logs and errors, e.g. "detector 'default' (wasm)". */
  label: string;
  /** A pending run with no answer from the worker for this long means the worker is stuck. */
  callTimeoutMs: number;
  /** The same for loading a model (includes compiling and warming it up). */
  loadTimeoutMs: number;
  /** How long close() waits for the worker to release its models before terminating it. */
  closeTimeoutMs?: number;
  logger: Logger;
}

/** A request before it gets its id (Omit applied to each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<WorkerRequest>;

interface PendingCall {
  request: Request;
  resolve(reply: WorkerReply): void;
  reject(err: Error): void;
}

/**
 * One worker thread hosting a model runner, watched by a watchdog: when calls are pending and
 * the worker answers none of them for the call timeout, the pending calls reject, the thread is
 * terminated and a fresh one is started for the next call (models load again there). A worker
 * that crashes or exits is replaced the same way. Like Scrypted's plugin supervisor, but per call.
 */
export class SupervisedWorker {
  readonly #options: SupervisedWorkerOptions;
  #worker: Worker | undefined;
  #crash: Error | undefined;
  readonly #calls = new Map<number, PendingCall>();
  #nextId = 1;
  #watchdog: NodeJS.Timeout | undefined;
  /** Models loaded in the current thread; emptied when it is replaced. */
  readonly #loaded = new Map<string, Promise<ModelInfo>>();
  /** Models whose load finished in the current thread: a replacement loads them again at once. */
  readonly #warm = new Set<string>();
  #restarts = 0;
  #closed = false;
  #activeRuns = 0;

  constructor(options: SupervisedWorkerOptions) {
    this.#options = options;
  }

  /** Runs started and not finished (waiting for a model load, queued in the worker, or running). */
  get pending(): number {
    return this.#activeRuns;
  }

  /** How many times the thread was replaced after it got stuck, crashed or exited. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Loads a model in the worker (once per thread; again after a restart). */
  load(modelId: string): Promise<ModelInfo> {
    let loading = this.#loaded.get(modelId);
    if (!loading) {
      const request: Request = { kind: 'load', modelId };
      loading = this.#call(request).then((reply) => (reply as Extract<WorkerReply, { kind: 'loaded' }>).info);
      this.#loaded.set(modelId, loading);
      const attempt = loading;
      attempt.then(
        () => this.#loaded.get(modelId) === attempt && this.#warm.add(modelId),
        // A failed load is retried by the next call.
        () => this.#loaded.get(modelId) === attempt && this.#loaded.delete(modelId),
      );
    }
    return loading;
  }

  /** Runs a model on one input, loading it first if this thread has not. The input buffer is moved, not copied. */
  async run(modelId: string, input: TensorData): Promise<TensorData[]> {
    this.#activeRuns++;
    try {
      await this.load(modelId);
      const reply = await this.#call({ kind: 'run', modelId, input }, transferableBuffers([input]));
      return (reply as Extract<WorkerReply, { kind: 'result' }>).outputs;
    } finally {
      this.#activeRuns--;
    }
  }

  /** Lets the worker release its models (bounded wait), then terminates it. Later calls reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    const worker = this.#worker;
    if (worker) {
      const closeTimeoutMs = this.#options.closeTimeoutMs ?? 2000;
      const closed = this.#call({ kind: 'close' }).catch(() => undefined);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, closeTimeoutMs).unref())]);
    }
    this.#closed = true;
    this.#replace(new Error(`${this.#options.label}: model runner closed`), false);
  }

  #call(request: Request, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.#closed) return Promise.reject(new Error(`${this.#options.label}: model runner is closed`));
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.#calls.set(id, { request, resolve, reject });
      try {
        worker.postMessage({ ...request, id }, transfer);
      } catch (err) {
        this.#calls.delete(id);
        reject(new Error(`${this.#options.label}: cannot send ${request.kind} to the model worker: ${err}`));
        return;
      }
      // Arm only when idle: new calls must not push back the deadline of a stuck one.
      if (!this.#watchdog) this.#armWatchdog();
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker(this.#options.script, this.#options.workerData);
    // Idle workers must not keep the process alive; pending calls hold the watchdog timer, which does.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => worker === this.#worker && this.#answer(reply));
    worker.on('error', (err) => {
      if (worker === this.#worker) this.#crash = err;
    });
    worker.on('exit', (code) => {
      if (worker !== this.#worker) return;
      const why = this.#crash ? `crashed: ${this.#crash.message}` : `exited with code ${code}`;
      this.#replace(new Error(`${this.#options.label}: model worker ${why}`), true);
    });
    this.#worker = worker;
    return worker;
  }

  #answer(reply: WorkerReply): void {
    const call = this.#calls.get(reply.id);
    if (!call) return;
    this.#calls.delete(reply.id);
    // Any answer is progress: restart the stuck-call clock for whatever is still pending.
    this.#armWatchdog();
    if (reply.kind === 'failed') call.reject(new Error(reply.message));
    else call.resolve(reply);
  }

  #armWatchdog(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#calls.size === 0) return;
    const loading = [...this.#calls.values()].some((call) => call.request.kind !== 'run');
    const timeoutMs = loading ? this.#options.loadTimeoutMs : this.#options.callTimeoutMs;
    this.#watchdog = setTimeout(() => this.#onStuck(timeoutMs), timeoutMs);
  }

  #onStuck(timeoutMs: number): void {
    this.#watchdog = undefined;
    const oldest = this.#calls.values().next().value;
    const what =
      oldest && 'modelId' in oldest.request
        ? `${oldest.request.kind} of ${oldest.request.modelId}`
        : 'a call';
    const error = new Error(
      `${this.#options.label}: model worker gave no answer to ${what} within ${timeoutMs} ms; it was restarted`,
    );
    this.#replace(error, true);
  }

  /** Fails every pending call with `reason`, terminates the thread; the next call starts a new one. */
  #replace(reason: Error, isRestart: boolean): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#crash = undefined;
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    this.#loaded.clear();
    const warm = [...this.#warm];
    this.#warm.clear();
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of calls) call.reject(reason);
    if (worker) {
      worker
        .terminate()
        .catch((err: Error) => this.#options.logger.debug({ err }, 'terminating model worker failed'));
    }
    if (isRestart && worker) {
      this.#restarts++;
      this.#options.logger.warn(
        { reason: reason.message, restarts: this.#restarts, failedCalls: calls.length },
        'model worker replaced',
      );
      // The replacement gets ready now rather than at its next call, which would wait for the
      // load. Only models that loaded before: one whose load crashed the thread is not retried here.
      for (const modelId of warm) {
        this.load(modelId).catch((err: Error) =>
          this.#options.logger.warn(
            { err, model: modelId },
            'model did not load again in the replaced worker',
          ),
        );
      }
    }
  }
}
