import type { Worker } from 'node:worker_threads';
import type { Logger } from '../../../base/logger';
import { startWorker } from '../../../base/workerThread';
import type {
  EventLogWorkerData,
  FromEventLogWriter,
  ToEventLogWriter,
  WriteFailure,
} from './eventLogProtocol';
import { eventLogWorkerUrl } from './eventLogWorkerUrl';
import type { EventLogWrite } from './eventLogWrites';

export interface EventLogOptions extends EventLogWorkerData {
  /** Called for each commit the writer thread makes, for metrics. */
  onCommit?: (batchSize: number, commitMs: number) => void;
  /** Called if the thread stops before `close` (after pending writes were rejected). */
  onFailure?: (err: Error) => void;
  logger?: Logger;
}

/** A write the writer thread refused or could not commit; `code` is SQLite's (SQLITE_FULL, …). */
export class EventLogError extends Error {
  readonly code: string | undefined;

  constructor(failure: WriteFailure) {
    super(failure.message);
    this.name = 'EventLogError';
    this.code = failure.code;
  }
}

/**
 * The writer thread keeps little: statements and the writes of a few commits. A small young
 * generation keeps its memory (and the appliance's RSS) down; it collects often and cheaply.
 */
const WRITER_HEAP = { maxYoungGenerationSizeMb: 4 };

/** Writes per message to the writer thread when a turn of the event loop makes many. */
const SLICE = 32;

interface PendingWrite {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * The main thread's side of the event log writer thread (eventLogWorker.ts). `write` resolves
 * once the write is committed and fsync'd there, so the caller may acknowledge; the writes of
 * one event-loop turn cross to the thread in one message. If the thread dies, every pending and
 * later write rejects, so nothing unwritten is ever acknowledged.
 */
export class EventLog {
  readonly #worker: Worker;
  readonly #options: EventLogOptions;
  readonly #pending = new Map<number, PendingWrite>();
  #outgoing: Array<[number, EventLogWrite]> = [];
  #nextSeq = 1;
  #stopped: Error | undefined;
  #closed: Promise<void> | undefined;

  private constructor(worker: Worker, options: EventLogOptions) {
    this.#worker = worker;
    this.#options = options;
    worker.on('message', (message: FromEventLogWriter) => this.#receive(message));
    worker.on('error', (err) => this.#stop(err));
    worker.on('exit', (code) => this.#stop(new Error(`the event log writer thread exited (code ${code})`)));
  }

  /** Starts the writer thread; rejects with the database error if it cannot open the file. */
  static open(options: EventLogOptions): Promise<EventLog> {
    const workerData: EventLogWorkerData = { file: options.file, maxBatch: options.maxBatch };
    const worker = startWorker(eventLogWorkerUrl(), workerData, WRITER_HEAP);
    return new Promise((resolve, reject) => {
      const onFirst = (message: FromEventLogWriter) => {
        worker.off('error', onError);
        if (message.kind === 'ready') resolve(new EventLog(worker, options));
        else if (message.kind === 'open-failed') reject(new EventLogError(message.failure));
      };
      const onError = (err: Error) => {
        worker.off('message', onFirst);
        reject(err);
      };
      worker.once('message', onFirst);
      worker.once('error', onError);
    });
  }

  /** Resolves once the write is durable; rejects with an EventLogError if it failed. */
  write(write: EventLogWrite): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the event log is closed (shutting down)'));
    if (this.#stopped) return Promise.reject(this.#stopped);
    const seq = this.#nextSeq++;
    if (this.#outgoing.length === 0) setImmediate(() => this.#send());
    this.#outgoing.push([seq, write]);
    // A busy turn hands over in slices, so the thread commits the first while this one makes the next.
    if (this.#outgoing.length >= SLICE) this.#send();
    return new Promise((resolve, reject) => this.#pending.set(seq, { resolve, reject }));
  }

  /** Writes handed over and not yet durable. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Why the writer thread stopped, when it did before `close` (no event can be stored then). */
  get failure(): string | undefined {
    return this.#closed ? undefined : this.#stopped?.message;
  }

  /** Commits everything handed over, then stops the thread and closes its connection. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#send();
      if (this.#stopped) return resolve();
      this.#worker.once('exit', () => resolve());
      this.#post({ kind: 'close' });
    });
    return this.#closed;
  }

  #send(): void {
    if (this.#outgoing.length === 0 || this.#stopped) return;
    const writes = this.#outgoing;
    this.#outgoing = [];
    this.#post({ kind: 'writes', writes });
  }

  #post(message: ToEventLogWriter): void {
    this.#worker.postMessage(message);
  }

  #receive(message: FromEventLogWriter): void {
    // Everything is committed and the connection closed; a thread started from sources (tsx's
    // loader holds a port open) would not end by itself.
    if (message.kind === 'closed') void this.#worker.terminate();
    if (message.kind !== 'done') return;
    for (const [size, ms] of message.commits) this.#options.onCommit?.(size, ms);
    for (const [seq, failure] of message.results) {
      const pending = this.#pending.get(seq);
      this.#pending.delete(seq);
      if (failure === null) pending?.resolve();
      else pending?.reject(new EventLogError(failure));
    }
  }

  #stop(reason: Error): void {
    if (this.#stopped) return;
    const expected = this.#closed !== undefined && this.#pending.size === 0;
    this.#stopped = reason;
    if (!expected)
      this.#options.logger?.error(
        { err: reason },
        'the event log writer thread stopped; events cannot be stored',
      );
    for (const pending of this.#pending.values()) pending.reject(reason);
    this.#pending.clear();
    this.#outgoing = [];
    if (this.#closed === undefined) this.#options.onFailure?.(reason);
  }
}
