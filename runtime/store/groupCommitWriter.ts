import type { Database } from 'better-sqlite3';

export interface GroupCommitOptions {
  /** Most writes committed in one transaction. */
  maxBatch: number;
  /**
   * How long the first queued write may wait for company before the batch commits. 0: no
   * waiting, the batch commits at the end of the current turn of the event loop with whatever
   * arrived in it (for a writer fed in batches, such as the event log thread).
   */
  maxDelayMs: number;
  /** Called after each commit, for metrics. */
  onCommit?: (batchSize: number, commitMs: number) => void;
}

/**
 * A synchronous write. It may run twice (see `#runBatch`), so it must only touch the database,
 * never outside state.
 */
type Write<T> = (db: Database) => T;

interface Pending {
  write: Write<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: many callers' writes share one transaction and so one fsync (WAL with
 * `synchronous=FULL`). `write()` resolves only after the commit holding it is on disk, so a
 * caller may acknowledge once it resolves. Each write runs in its own savepoint: one that throws
 * rejects alone and the rest of its batch still commits.
 */
export class GroupCommitWriter {
  readonly #db: Database;
  readonly #options: GroupCommitOptions;
  #queue: Pending[] = [];
  #scheduled: (() => void) | undefined;
  #closed = false;

  constructor(db: Database, options: GroupCommitOptions) {
    this.#db = db;
    this.#options = options;
  }

  /** Queues a synchronous write; resolves with its result once durable, rejects if it threw or the commit failed. */
  write<T>(write: Write<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the database writer is closed (shutting down)'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.#queue.length >= this.#options.maxBatch) this.#commitNow();
      else if (!this.#scheduled) this.#schedule(this.#options.maxDelayMs);
    });
  }

  /** Number of writes waiting for their commit. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Commits everything queued so far. */
  flush(): void {
    while (this.#queue.length > 0) this.#commitNow();
  }

  /** Commits what is queued and refuses later writes. */
  close(): void {
    this.#closed = true;
    this.flush();
  }

  /** Commits after `delayMs`, or at the end of this turn for 0; `#scheduled` cancels it. */
  #schedule(delayMs: number): void {
    if (delayMs > 0) {
      const timer = setTimeout(() => this.#commitNow(), delayMs);
      this.#scheduled = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.#commitNow());
      this.#scheduled = () => clearImmediate(immediate);
    }
  }

  #commitNow(): void {
    this.#scheduled?.();
    this.#scheduled = undefined;
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    if (batch.length === 0) return;
    if (this.#queue.length > 0) this.#schedule(0);

    const startedAt = performance.now();
    let outcomes: Outcome[];
    try {
      outcomes = this.#runBatch(batch);
    } catch (commitError) {
      // The COMMIT itself failed (disk full, I/O error): nothing in this batch is durable.
      for (const pending of batch) pending.reject(commitError);
      return;
    }
    this.#options.onCommit?.(batch.length, performance.now() - startedAt);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) pending.resolve(outcome.value);
      else pending.reject(outcome?.error);
    });
  }

  /**
   * Fast path: the whole batch in one transaction. If any write throws, that transaction is
   * rolled back and the batch is run again with a SAVEPOINT around each write, so the failing one
   * undoes only itself. (A savepoint per write on the fast path would cost a third of the rate.)
   * BEGIN IMMEDIATE takes the write lock first, waiting for it (busy_timeout): a deferred
   * transaction that read first could not upgrade to writing once another connection (the event
   * log's worker) committed meanwhile, and would fail with SQLITE_BUSY at once.
   */
  #runBatch(batch: Pending[]): Outcome[] {
    try {
      return this.#db
        .transaction(() => batch.map((pending): Outcome => ({ ok: true, value: pending.write(this.#db) })))
        .immediate();
    } catch (firstError) {
      if (isCommitFailure(firstError)) throw firstError;
    }
    return this.#db
      .transaction(() =>
        batch.map((pending): Outcome => {
          try {
            // A nested better-sqlite3 transaction is a SAVEPOINT.
            return { ok: true, value: this.#db.transaction(pending.write)(this.#db) };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      )
      .immediate();
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Errors of the database itself (not of one write's logic) that no retry of the batch can fix. */
function isCommitFailure(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_READONLY'].some((c) =>
    code.startsWith(c),
  );
}
