import type { Database, Statement } from 'better-sqlite3';
import { eventToJson } from '../domain/eventJson';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import type { EnrichmentResult } from './enrichment/types';
import { type EventRow, eventFromRow } from './eventTable';

/** Statements of the after-acknowledgement part: enrichments, decisions, outbox, dead letters. */
export class RoutingStore {
  readonly #saveEnrichment: Statement;
  readonly #applyDecision: Statement;
  readonly #outbox: Statement;
  readonly #deadLetter: Statement;
  readonly #pending: Statement;
  readonly #byId: Statement;

  constructor(db: Database) {
    this.#saveEnrichment = db.prepare(`
      INSERT OR REPLACE INTO enrichments (event_id, enricher, status, data, duration_ms, attempts, error)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.#applyDecision = db.prepare(
      'UPDATE events SET severity = ?, description = ?, tags = ?, decision = ?, data = ? WHERE id = ?',
    );
    this.#outbox = db.prepare(
      `INSERT OR IGNORE INTO outbox (event_id, camera, severity, payload, created_at, bytes, event_seq)
       VALUES (?, ?, ?, ?, ?, ?, (SELECT rowid FROM events WHERE id = ?))`,
    );
    this.#deadLetter = db.prepare(
      'INSERT INTO dead_letters (event_id, stage, reason, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.#pending = db.prepare(
      "SELECT rowid AS seq, * FROM events WHERE state IN ('persisted', 'enriched') AND rowid > ? ORDER BY rowid LIMIT ?",
    );
    this.#byId = db.prepare('SELECT * FROM events WHERE id = ?');
  }

  saveEnrichments(eventId: string, results: readonly EnrichmentResult[]): void {
    for (const r of results) {
      this.#saveEnrichment.run(
        eventId,
        r.enricher,
        r.status,
        r.data === undefined ? null : JSON.stringify(r.data),
        r.durationMs,
        r.attempts,
        r.error ?? null,
      );
    }
  }

  /** Stores what the rules decided; `set` fields are merged into the event's data. */
  applyDecision(event: VigilEvent, decision: Decision, description: string | null): void {
    const data = Object.keys(decision.set).length > 0 ? { ...event.data, ...decision.set } : event.data;
    this.#applyDecision.run(
      decision.severity,
      description,
      JSON.stringify(decision.tags),
      JSON.stringify(decision),
      JSON.stringify(data),
      event.id,
    );
  }

  /** Queues the event for the central server; the same event twice stays one row. */
  addToOutbox(event: VigilEvent, decision: Decision, description: string | null, at: number): void {
    const payload = eventToJson(
      { ...event, severity: decision.severity },
      { description, tags: decision.tags },
    );
    const json = JSON.stringify(payload);
    this.#outbox.run(event.id, event.camera, decision.severity, json, at, Buffer.byteLength(json), event.id);
  }

  addDeadLetter(eventId: string | null, stage: string, reason: string, payload: unknown, at: number): void {
    this.#deadLetter.run(eventId, stage, reason, JSON.stringify(payload), at);
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
