import type { Database } from 'better-sqlite3';
import type { Logger } from '../../base/logger';
import type { Service } from '../lifecycle/service';
import { openDatabase } from './database';
import { GroupCommitWriter } from './groupCommitWriter';
import { MIGRATIONS, type Migration } from './migrations/index';
import { migrate } from './migrator';
import { type PreviousRun, RunLog } from './runLog';

export interface StoreOptions {
  file: string;
  version: string;
  groupCommit: { maxBatch: number; maxDelayMs: number };
  logger: Logger;
  onCommit?: (batchSize: number, commitMs: number) => void;
  /** The schema; default: the appliance's. The central receiver has its own. */
  migrations?: readonly Migration[];
}

/** Owns the SQLite database: opens it, migrates it, and hands out the group-commit writer. */
export class StoreService implements Service {
  readonly name = 'store';
  readonly #options: StoreOptions;
  #db: Database | undefined;
  #writer: GroupCommitWriter | undefined;
  #runId: number | undefined;
  #previousRun: PreviousRun | undefined;
  #schemaVersion = 0;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  /** The open database, for reads. Writes go through `writer` so they are group-committed. */
  get db(): Database {
    if (!this.#db) throw new Error('store is not started');
    return this.#db;
  }

  /** The file and group-commit settings, for a writer on its own connection (the event log thread). */
  get writerSettings(): Pick<StoreOptions, 'file' | 'groupCommit' | 'onCommit'> {
    const { file, groupCommit, onCommit } = this.#options;
    return { file, groupCommit, onCommit };
  }

  get writer(): GroupCommitWriter {
    if (!this.#writer) throw new Error('store is not started');
    return this.#writer;
  }

  async start(): Promise<void> {
    const { file, logger } = this.#options;
    this.#db = openDatabase(file);
    const result = migrate(this.#db, file, this.#options.migrations ?? MIGRATIONS);
    this.#schemaVersion = result.to;
    if (result.applied.length > 0)
      logger.info({ file, from: result.from, applied: result.applied }, 'migrated database');
    this.#writer = new GroupCommitWriter(this.#db, {
      ...this.#options.groupCommit,
      onCommit: this.#options.onCommit,
    });

    const runLog = new RunLog(this.#db);
    this.#previousRun = runLog.previous();
    if (this.#previousRun && this.#previousRun.stoppedAt === null) {
      logger.warn(
        {
          previousRunId: this.#previousRun.id,
          startedAt: new Date(this.#previousRun.startedAt).toISOString(),
        },
        'previous run did not stop cleanly (crash, kill or power loss); resuming from the database',
      );
    }
    this.#runId = await this.#writer.write(() => runLog.start(this.#options.version));
  }

  async stop(): Promise<void> {
    const db = this.#db;
    if (!db) return;
    if (this.#writer && this.#runId !== undefined) {
      const runId = this.#runId;
      const runLog = new RunLog(db);
      await this.#writer.write(() => runLog.stop(runId, 'clean stop'));
    }
    this.#writer?.close();
    db.close();
    this.#db = undefined;
    this.#writer = undefined;
  }

  health(): Record<string, unknown> {
    return {
      file: this.#options.file,
      schema_version: this.#schemaVersion,
      pending_writes: this.#writer?.pending ?? 0,
      previous_run_clean: this.#previousRun ? this.#previousRun.stoppedAt !== null : null,
    };
  }
}
