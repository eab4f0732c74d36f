import type { Database, Statement } from 'better-sqlite3';
import type { GroupCommitWriter } from '../store/groupCommitWriter';

/** Who or what asked for a change: `api`, `mqtt`, `schedule`, `rule:<name>`, `system`… */
export interface Cause {
  actor: string;
  reason: string;
}

/** An audit row about the alarm: an output (`gpio`) or the mode (`alarm`). */
export interface AlarmAuditRow {
  kind: 'gpio' | 'alarm';
  subject: string;
  state: string;
  at: number;
  actor: string;
  reason: string | null;
}

const MODE_KEY = 'alarm.mode';

/**
 * The alarm's durable record: every output change and mode change as an append-only audit
 * row, and the current mode in `device_state` so it survives a restart or power loss.
 */
export class AlarmJournal {
  readonly #writer: GroupCommitWriter;
  readonly #db: Database;
  #statements: Record<'audit' | 'saveMode' | 'purge', Statement> | undefined;

  constructor(db: Database, writer: GroupCommitWriter) {
    this.#db = db;
    this.#writer = writer;
  }

  /** The mode last saved, if any. */
  savedMode(): string | undefined {
    const row = this.#db.prepare('SELECT value FROM device_state WHERE key = ?').get(MODE_KEY) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  /** Saves the new mode and its audit row in one transaction; resolves once durable. */
  saveMode(mode: string, previous: string, cause: Cause, at = Date.now()): Promise<void> {
    return this.#writer.write((db) => {
      const statements = this.#prepared(db);
      statements.saveMode.run(MODE_KEY, mode, at);
      statements.audit.run('alarm', 'mode', mode, at, cause.actor, `${cause.reason} (was ${previous})`);
    });
  }

  /** Appends an audit row about an output; resolves once durable. */
  recordOutput(output: string, state: string, cause: Cause, at = Date.now()): Promise<void> {
    return this.#writer.write((db) => {
      this.#prepared(db).audit.run('gpio', output, state, at, cause.actor, cause.reason);
    });
  }

  /** The newest alarm audit rows, newest first. */
  recent(limit: number): AlarmAuditRow[] {
    return this.#db
      .prepare(
        `SELECT subject_kind AS kind, subject_id AS subject, state, at, actor, reason FROM audit
         WHERE subject_kind IN ('gpio', 'alarm') ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as AlarmAuditRow[];
  }

  /** Deletes alarm audit rows older than `before` (ms); resolves with how many went. */
  purge(before: number): Promise<number> {
    return this.#writer.write((db) => this.#prepared(db).purge.run(before).changes);
  }

  #prepared(db: Database) {
    this.#statements ??= {
      audit: db.prepare(
        'INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      saveMode: db.prepare(
        'INSERT INTO device_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
      purge: db.prepare("DELETE FROM audit WHERE subject_kind IN ('gpio', 'alarm') AND at < ?"),
    };
    return this.#statements;
  }
}
