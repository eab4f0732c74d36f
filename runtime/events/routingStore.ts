import type { Database, Statement } from 'better-sqlite3';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import type { EventStore } from './eventStore';
import { type EventRow, eventFromRow } from './eventTable';
import { decisionOp, type RoutingOp } from './routingOps';

/** Statements of the after-acknowledgement part: enrichments, decisions, outbox, dead letters. */
export class RoutingStore {
  readonly #saveEnrichment: Statement;
  readonly #applyDecision: Statement;
  readonly #outbox: Statement;
  readonly #deadLetter: Statement;
  readonly #resolveDeadLetters: Statement;
  readonly #pending: Statement;
  readonly #byId: Statement;

  constructor(db: Database) {
    this.#saveEnrichment = db.prepare(`
      INSERT OR REPLACE INTO enrichments (event_id, enricher, status, data, duration_ms, attempts, error)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
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
    for (const op of ops) {
      switch (op[0]) {
        case 'enrichment':
          this.#saveEnrichment.run(op[1], op[2], op[3], op[4], op[5], op[6], op[7]);
          break;
        case 'decision': {
          const change = op[7];
          this.#applyDecision.run(op[1], op[2], op[3], op[4], op[5], change?.state ?? null, op[6]);
          if (change !== null) {
            if (events === undefined) throw new Error('a state change needs the event store (its audit row)');
            events.audit('event', op[6], change.state, change.at, change.actor, change.reason);
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
          events.audit('event', op[1], op[2], op[3], op[4], op[5]);
          break;
        case 'state':
          if (events === undefined) throw new Error('a state change needs the event store (its audit row)');
          events.setState(op[1], op[2], op[3], op[4], op[5]);
          break;
      }
    }
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
