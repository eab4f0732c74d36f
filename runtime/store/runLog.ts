import type { Database } from 'better-sqlite3';

export interface PreviousRun {
  id: number;
  startedAt: number;
  stoppedAt: number | null;
  exitReason: string | null;
}

/** Records each run of the daemon so the next start can tell a clean stop from a crash or power loss. */
export class RunLog {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** The most recent run before this one, if any. */
  previous(): PreviousRun | undefined {
    return this.#db
      .prepare(
        'SELECT id, started_at AS startedAt, stopped_at AS stoppedAt, exit_reason AS exitReason FROM runs ORDER BY id DESC LIMIT 1',
      )
      .get() as PreviousRun | undefined;
  }

  start(version: string): number {
    const result = this.#db
      .prepare('INSERT INTO runs (started_at, version, pid) VALUES (?, ?, ?)')
      .run(Date.now(), version, process.pid);
    return Number(result.lastInsertRowid);
  }

  stop(id: number, reason: string): void {
    this.#db
      .prepare('UPDATE runs SET stopped_at = ?, exit_reason = ? WHERE id = ?')
      .run(Date.now(), reason, id);
  }
}
