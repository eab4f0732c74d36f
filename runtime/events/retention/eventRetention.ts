import type { Database } from 'better-sqlite3';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { StatementCache } from '../queries/sqlParts';
import * as sql from './retentionSql';

export interface PurgeOptions {
  /**
   * Events whose `timestamp` is older than `now - olderThanMs` go (config `retention.events_days`);
   * one received before the clock was synchronised only once a synchronised one stored after it does.
   */
  olderThanMs: number;
  /** Also delete the oldest events while more than this many remain. */
  maxRows?: number;
  /** Epoch ms the age is measured from. */
  now: number;
}

export interface PurgeResult {
  deleted: number;
  /** Events within the purge's reach kept because the central server has not acknowledged them (or they are not routed yet). */
  kept_unsynced: number;
  /** Events within reach kept because their incident is open, or acknowledged and not resolved. */
  kept_protected: number;
  /** Ended incidents deleted because none of their events remained. */
  incidents_deleted: number;
}

export interface EventRetentionOptions {
  writer: GroupCommitWriter;
  /** Events deleted per write: bounds how long one commit holds up event ingest. Default 1000. */
  batchSize?: number;
}

interface Position {
  timestamp: number;
  rowid: number;
}

interface BatchOutcome {
  deleted: number;
  incidents: number;
  last: Position | undefined;
}

type Candidate = { rid: number; id: string; timestamp: number; incident_id: string | null };

/**
 * Deletes old events by age and by row cap, oldest first, in batches through the group-commit
 * writer. Never deletes an event the central server has not acknowledged, nor one of an incident
 * a person may still act on; those are counted instead. Audit rows, acknowledged outbox rows,
 * zones, enrichments and ended incidents left without events go with them.
 */
export class EventRetention {
  readonly #writer: GroupCommitWriter;
  readonly #batchSize: number;
  #statements: StatementCache | undefined;

  constructor(options: EventRetentionOptions) {
    this.#writer = options.writer;
    this.#batchSize = options.batchSize ?? 1000;
  }

  async purgeEvents(options: PurgeOptions): Promise<PurgeResult> {
    checkOptions(options);
    const cutoff = options.now - options.olderThanMs;
    let deleted = 0;
    let incidents = 0;

    let position: Position = { timestamp: -1, rowid: -1 };
    for (;;) {
      const batch = await this.#writer.write((db) =>
        this.#deleteBatch(db, position, this.#batchSize, cutoff),
      );
      deleted += batch.deleted;
      incidents += batch.incidents;
      if (batch.last === undefined || batch.deleted < this.#batchSize) break;
      position = batch.last;
    }

    // The cap's reach: the newest event it deleted, or everything if it could not get under the cap.
    let reach = cutoff;
    if (options.maxRows !== undefined) {
      const maxRows = options.maxRows;
      position = { timestamp: -1, rowid: -1 };
      for (;;) {
        const batch = await this.#writer.write((db) => {
          const excess = (this.#cache(db).get(sql.COUNT_EVENTS).get() as { n: number }).n - maxRows;
          if (excess <= 0) return { deleted: 0, incidents: 0, last: undefined, satisfied: true };
          const wanted = Math.min(excess, this.#batchSize);
          const outcome = this.#deleteBatch(db, position, wanted, undefined);
          return { ...outcome, satisfied: outcome.deleted === excess };
        });
        deleted += batch.deleted;
        incidents += batch.incidents;
        if (batch.last !== undefined) {
          reach = Math.max(reach, batch.last.timestamp + 1);
          position = batch.last;
        }
        if (batch.satisfied) break;
        if (batch.last === undefined) {
          reach = Number.POSITIVE_INFINITY;
          break;
        }
      }
    }

    const kept = await this.#writer.write((db) => this.#countKept(db, reach));
    return { deleted, ...kept, incidents_deleted: incidents };
  }

  #deleteBatch(db: Database, after: Position, limit: number, olderThan: number | undefined): BatchOutcome {
    const statements = this.#cache(db);
    const scan = [after.timestamp, after.timestamp, after.rowid, limit];
    const candidates = (
      olderThan === undefined
        ? statements.get(sql.SELECT_DELETABLE_ANY).all(...scan)
        : statements
            .get(sql.SELECT_DELETABLE_OLDER)
            .all(olderThan, (statements.get(sql.MAX_SYNCED_ROWID).get(olderThan) as { r: number }).r, ...scan)
    ) as Candidate[];
    const last = candidates.at(-1);
    if (last === undefined) return { deleted: 0, incidents: 0, last: undefined };

    const ids = JSON.stringify(candidates.map((c) => c.id));
    statements.get(sql.DELETE_EVENT_AUDIT).run(ids);
    statements.get(sql.DELETE_ACKED_OUTBOX).run(ids);
    const deleted = statements.get(sql.DELETE_EVENTS).run(ids).changes;
    const incidentIds = JSON.stringify([...new Set(candidates.flatMap((c) => c.incident_id ?? []))]);
    statements.get(sql.DELETE_INCIDENT_AUDIT).run(incidentIds);
    const incidents = statements.get(sql.DELETE_INCIDENTS).run(incidentIds).changes;
    return { deleted, incidents, last: { timestamp: last.timestamp, rowid: last.rid } };
  }

  #countKept(db: Database, reach: number): Pick<PurgeResult, 'kept_unsynced' | 'kept_protected'> {
    const statements = this.#cache(db);
    const count = (query: { bounded: string; all: string }) =>
      (
        (Number.isFinite(reach)
          ? statements.get(query.bounded).get(reach)
          : statements.get(query.all).get()) as { n: number }
      ).n;
    return { kept_unsynced: count(sql.COUNT_UNSYNCED), kept_protected: count(sql.COUNT_PROTECTED) };
  }

  #cache(db: Database): StatementCache {
    this.#statements ??= new StatementCache(db);
    return this.#statements;
  }
}

function checkOptions(options: PurgeOptions): void {
  if (!Number.isFinite(options.olderThanMs) || options.olderThanMs < 0) {
    throw new Error(
      `olderThanMs must be a number ≥ 0, got ${options.olderThanMs} — check retention.events_days`,
    );
  }
  if (options.maxRows !== undefined && (!Number.isInteger(options.maxRows) || options.maxRows < 0)) {
    throw new Error(`maxRows must be an integer ≥ 0, got ${options.maxRows}`);
  }
  if (!Number.isFinite(options.now)) throw new Error(`now must be epoch milliseconds, got ${options.now}`);
}
