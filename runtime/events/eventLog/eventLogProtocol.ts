import type { EventLogWrite } from './eventLogWrites';

/** What the writer thread is started with. */
export interface EventLogWorkerData {
  /** The database file; the main thread has already migrated it. */
  file: string;
  /** Most writes committed in one transaction. */
  maxBatch: number;
}

/** A write's failure, as it crosses back to the main thread. */
export interface WriteFailure {
  message: string;
  code?: string;
}

/** Main thread → writer: the writes queued during one turn of the event loop, or the order to stop. */
export type ToEventLogWriter =
  | { kind: 'writes'; writes: Array<[seq: number, write: EventLogWrite]> }
  | { kind: 'close' };

/** Writer → main thread. `done` lists writes now durable (failure null) or failed, and the commits made. */
export type FromEventLogWriter =
  | { kind: 'ready' }
  | { kind: 'open-failed'; failure: WriteFailure }
  | {
      kind: 'done';
      results: Array<[seq: number, failure: WriteFailure | null]>;
      commits: Array<[batchSize: number, commitMs: number]>;
    }
  | { kind: 'closed' };

export function writeFailureOf(err: unknown): WriteFailure {
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  return code === undefined ? { message } : { message, code };
}
