import type { Database, Statement } from 'better-sqlite3';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import type { EventStore } from './eventStore';
import { type EventRow, eventFromRow } from './eventTable';
import { decisionOp, type RoutingOp } from './routingOps';

/** Rows a multi-row INSERT of the routing batch writes at once. */
const ROWS_PER_INSERT = 16;

const ENRICHMENT_INSERT =
  'INSERT OR REPLACE INTO enrichments (event_id, enricher, status, data, duration_ms, attempts, error) VALUES ';
const AUDIT_INSERT = 'INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES ';

/** An INSERT of `rows` rows of `columns` values each. */
function multiRow(db: Database, head: string, columns: number, rows: number): Statement {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return db.prepare(head + Array.from({ length: rows }, () => row).join(', '));
}

/**
 * Runs `single` for each row, or `many` for each whole chunk of ROWS_PER_INSERT rows: a batch's
 * enrichment and audit rows cost a statement per 16 instead of one each.
 */
function insertRows(single: Statement, many: Statement, rows: readonly unknown[][]): void {
  let i = 0;
  for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT)
    many.run(rows.slice(i, i + ROWS_PER_INSERT).flat());
  for (; i < rows.length; i++) single.run(rows[i]);
}

/** Statements of the after-acknowledgement part: enrichments, decisions, outbox, dead letters. */
export class RoutingStore {
  readonly #saveEnrichment: Statement;
  readonly #saveEnrichments: Statement;
  readonly #audit: Statement;
  readonly #audits: Statement;
  readonly #applyDecision: Statement;
  readonly #outbox: Statement;
  readonly #deadLetter: Statement;
  readonly #resolveDeadLetters: Statement;
  readonly #pending: Statement;
  readonly #byId: Statement;

  constructor(db: Database) {
    this.#saveEnrichment = multiRow(db, ENRICHMENT_INSERT, 7, 1);
    this.#saveEnrichments = multiRow(db, ENRICHMENT_INSERT, 7, ROWS_PER_INSERT);
    this.#audit = multiRow(db, AUDIT_INSERT, 6, 1);
    this.#audits = multiRow(db, AUDIT_INSERT, 6, ROWS_PER_INSERT);
    this.#applyDecision = db.prepare(
      `UPDATE events SET severity = ?, description = ?, tags = ?, decision = ?, data = COALESCE(?, data),
         state = COALESCE(?, state) WHERE id = ?`,
    );
    this.#outbox = db.prepare(
      `INSERT OR IGNORE INTO outbox (event_id, camera, severity, payload, created_at, bytes, event_seq)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT rowid FROM events WHERE id = ?))`,
    );
    this.#deadLetter = db.prepare(
      'INSERT INTO dead_letters (event_id, stage, reason, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.#resolveDeadLetters = db.prepare(
      `UPDATE dead_letters SET resolved_at = ?, retried_at = ?, retry_count = retry_count + 1
       WHERE event_id = ? AND stage = 'process' AND resolved_at IS NULL`,
    );
    this.#pending = db.prepare(
      "SELECT rowid AS seq, * FROM events WHERE state IN ('persisted', 'enriched') AND rowid > ? ORDER BY rowid LIMIT ?",
    );
    this.#byId = db.prepare('SELECT * FROM events WHERE id = ?');
  }

  /**
   * Writes routing rows; runs inside a transaction (the event log writer's, for a routing batch).
   * State changes go through `events`, which adds their audit rows.
   */
  apply(ops: readonly RoutingOp[], events?: EventStore): void {
    // Enrichment and audit rows are gathered and inserted many at a time; an event's audit rows
    // keep their order (ids), and a state change made through `events` writes those before its own.
    const enrichments: unknown[][] = [];
    const audits: unknown[][] = [];
    const flushAudits = () => {
      insertRows(this.#audit, this.#audits, audits);
      audits.length = 0;
    };
    for (const op of ops) {
      switch (op[0]) {
        case 'enrichment':
          enrichments.push([op[1], op[2], op[3], op[4], op[5], op[6], op[7]]);
          break;
        case 'decision': {
          const change = op[7];
          this.#applyDecision.run(op[1], op[2], op[3], op[4], op[5], change?.state ?? null, op[6]);
          if (change !== null) {
            if (events === undefined) throw new Error('a state change needs the event store (its audit row)');
            audits.push(['event', op[6], change.state, change.at, change.actor, change.reason]);
          }
          break;
        }
        case 'outbox':
          this.#outbox.run(op[1], op[2], op[3], op[4], op[5], op[6], op[1]);
          break;
        case 'dead_letter':
          this.#deadLetter.run(op[1], op[2], op[3], op[4], op[5]);
          break;
        case 'resolve_dead_letters':
          this.#resolveDeadLetters.run(op[2], op[2], op[1]);
          break;
        case 'audit':
          if (events === undefined) throw new Error('an audit row needs the event store');
          audits.push(['event', op[1], op[2], op[3], op[4], op[5]]);
          break;
        case 'state':
          if (events === undefined) throw new Error('a state change needs the event store (its audit row)');
          flushAudits();
          events.setState(op[1], op[2], op[3], op[4], op[5]);
          break;
      }
    }
    flushAudits();
    insertRows(this.#saveEnrichment, this.#saveEnrichments, enrichments);
  }

  /** Stores what the rules decided; `set` fields are merged into the event's data. */
  applyDecision(event: VigilEvent, decision: Decision, description: string | null): void {
    this.apply([decisionOp(event, decision, description)]);
  }

  /** Events acknowledged but not yet routed (a crash or a full queue left them), oldest first. */
  pending(afterRowid: number, limit: number): Array<{ rowid: number; event: VigilEvent }> {
    return (this.#pending.all(afterRowid, limit) as Array<EventRow & { seq: number }>).map((row) => ({
      rowid: row.seq,
      event: eventFromRow(row),
    }));
  }

  find(id: string): { event: VigilEvent; decision: Decision | null } | undefined {
    const row = this.#byId.get(id) as EventRow | undefined;
    if (!row) return undefined;
    return {
      event: eventFromRow(row),
      decision: row.decision ? (JSON.parse(row.decision) as Decision) : null,
    };
  }
}

const stores = new WeakMap<Database, RoutingStore>();

/** The routing statements of a connection, prepared once (the event log writer thread's). */
export function routingStoreOf(db: Database): RoutingStore {
  let store = stores.get(db);
  if (store === undefined) {
    store = new RoutingStore(db);
    stores.set(db, store);
  }
  return store;
}
