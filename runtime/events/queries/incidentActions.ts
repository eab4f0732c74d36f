import type { Database } from 'better-sqlite3';
import { RequestError } from '../../../base/requestError';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { type IncidentRow, toIncidentView } from './rowMapping';
import { StatementCache } from './sqlParts';
import type { IncidentView } from './views';

/** Longest note kept with an acknowledgement or resolution. */
export const MAX_NOTE_LENGTH = 1000;

export interface IncidentActionInput {
  /** Who acts: `api`, `mqtt`, a user name. Stored in the audit trail. */
  actor: string;
  /** Why; stored on the incident (latest wins) and as the audit row's reason. */
  note?: string;
}

export interface IncidentActionsOptions {
  writer: GroupCommitWriter;
  /** Clock for the timestamps; default `Date.now`. */
  now?: () => number;
}

/**
 * Acknowledge and resolve incidents. Each is one write through the group-commit writer: the
 * incident's timestamp and state and its audit row commit together, and the promise resolves
 * once that is durable. Repeating an action changes nothing and adds no audit row.
 */
export class IncidentActions {
  readonly #writer: GroupCommitWriter;
  readonly #now: () => number;
  #statements: StatementCache | undefined;

  constructor(options: IncidentActionsOptions) {
    this.#writer = options.writer;
    this.#now = options.now ?? Date.now;
  }

  /** Marks the incident seen. 404 if unknown, 409 if already resolved; a second acknowledge is a no-op. */
  acknowledge(id: string, input: IncidentActionInput): Promise<IncidentView> {
    checkNote(input.note);
    return this.#writer.write((db) => {
      const row = this.#load(db, id);
      if (row.resolved_at !== null) {
        throw new RequestError(
          'conflict',
          `incident '${id}' was resolved at ${new Date(row.resolved_at).toISOString()} and cannot be acknowledged any more — nothing to do`,
          null,
        );
      }
      if (row.acknowledged_at !== null) return toIncidentView(row);
      return this.#apply(db, row, 'acknowledged', input);
    });
  }

  /** Closes the incident for good. 404 if unknown; resolving a resolved incident returns it unchanged. */
  resolve(id: string, input: IncidentActionInput): Promise<IncidentView> {
    checkNote(input.note);
    return this.#writer.write((db) => {
      const row = this.#load(db, id);
      if (row.resolved_at !== null) return toIncidentView(row);
      return this.#apply(db, row, 'resolved', input);
    });
  }

  /**
   * Marks the incident important (`protect`) or not: retention never deletes a protected
   * incident's clip, snapshots or faces. Repeating it changes nothing and adds no audit row.
   */
  setProtected(id: string, value: boolean, input: IncidentActionInput): Promise<IncidentView> {
    checkNote(input.note);
    return this.#writer.write((db) => {
      const row = this.#load(db, id);
      if ((row.protected === 1) === value) return toIncidentView(row);
      const statements = this.#cache(db);
      statements.get('UPDATE incidents SET protected = ? WHERE id = ?').run(value ? 1 : 0, row.id);
      statements
        .get(
          "INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES ('incident', ?, ?, ?, ?, ?)",
        )
        .run(row.id, value ? 'protected' : 'unprotected', this.#now(), input.actor, input.note ?? null);
      return toIncidentView({ ...row, protected: value ? 1 : 0 });
    });
  }

  #load(db: Database, id: string): IncidentRow {
    const row = this.#cache(db).get('SELECT * FROM incidents WHERE id = ?').get(id) as
      | IncidentRow
      | undefined;
    if (row === undefined) {
      throw new RequestError(
        'not_found',
        `no incident with id '${id}' — list them with GET /api/v1/incidents`,
        'id',
      );
    }
    return row;
  }

  #apply(
    db: Database,
    row: IncidentRow,
    state: 'acknowledged' | 'resolved',
    input: IncidentActionInput,
  ): IncidentView {
    const at = this.#now();
    const note = input.note ?? null;
    const column = state === 'acknowledged' ? 'acknowledged_at' : 'resolved_at';
    const statements = this.#cache(db);
    statements
      .get(`UPDATE incidents SET ${column} = ?, state = ?, note = coalesce(?, note) WHERE id = ?`)
      .run(at, state, note, row.id);
    statements
      .get(
        "INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES ('incident', ?, ?, ?, ?, ?)",
      )
      .run(row.id, state, at, input.actor, note);
    return toIncidentView({ ...row, [column]: at, state, note: note ?? row.note });
  }

  #cache(db: Database): StatementCache {
    this.#statements ??= new StatementCache(db);
    return this.#statements;
  }
}

function checkNote(note: string | undefined): void {
  if (note !== undefined && note.length > MAX_NOTE_LENGTH) {
    throw new RequestError(
      'invalid',
      `note: at most ${MAX_NOTE_LENGTH} characters, got ${note.length}`,
      'note',
    );
  }
}
