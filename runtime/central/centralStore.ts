import type { Database, Statement } from 'better-sqlite3';
import type { EventJson } from '../domain/eventJson';
import type { EventBatch } from '../mqtt/sync/syncMessages';

export interface CentralDevice {
  id: string;
  first_seen: number;
  last_seen: number;
  events: number;
  last_seq: number;
}

export interface CentralEvent {
  device: string;
  seq: number;
  received_at: number;
  event: EventJson;
}

export interface EventQuery {
  device?: string;
  camera?: string;
  type?: string;
  /** Only events after this seq (with `device`) or this arrival position (without). */
  after?: number;
  limit: number;
}

/** Statements over the central database; writes run inside the group-commit writer. */
export class CentralStore {
  readonly #insert: Statement;
  readonly #touchDevice: Statement;
  readonly #devices: Statement;
  readonly #byDevice: Statement;
  readonly #all: Statement;

  constructor(db: Database) {
    this.#insert = db.prepare(`
      INSERT INTO events (device, id, seq, camera, type, severity, timestamp, received_at, payload)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device, id) DO NOTHING`);
    this.#touchDevice = db.prepare(`
      INSERT INTO devices (id, first_seen, last_seen, events, last_seq) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, events = events + excluded.events,
        last_seq = MAX(last_seq, excluded.last_seq)`);
    this.#devices = db.prepare('SELECT * FROM devices ORDER BY id');
    this.#byDevice = db.prepare(`
      SELECT device, seq, received_at, payload, rowid AS position FROM events
      WHERE device = ? AND seq > ? AND (? IS NULL OR camera = ?) AND (? IS NULL OR type = ?)
      ORDER BY seq LIMIT ?`);
    this.#all = db.prepare(`
      SELECT device, seq, received_at, payload, rowid AS position FROM events
      WHERE rowid > ? AND (? IS NULL OR camera = ?) AND (? IS NULL OR type = ?)
      ORDER BY rowid LIMIT ?`);
  }

  /**
   * Stores a batch; events already stored (a batch sent again) are skipped. Returns how many were
   * new. Every id of the batch is stored once this commits, so all of them can be acknowledged.
   */
  storeBatch(batch: EventBatch, at: number): number {
    let added = 0;
    let lastSeq = 0;
    for (const { seq, event } of batch.events) {
      const row = [
        batch.device,
        event.id,
        seq,
        event.camera,
        event.type,
        event.severity,
        Date.parse(event.timestamp),
        at,
      ];
      added += this.#insert.run(...row, JSON.stringify(event)).changes;
      lastSeq = Math.max(lastSeq, seq);
    }
    this.#touchDevice.run(batch.device, at, at, added, lastSeq);
    return added;
  }

  devices(): CentralDevice[] {
    return this.#devices.all() as CentralDevice[];
  }

  events(query: EventQuery): { events: CentralEvent[]; next: number | null } {
    const { device, camera = null, type = null, after = 0, limit } = query;
    const rows = (
      device === undefined
        ? this.#all.all(after, camera, camera, type, type, limit)
        : this.#byDevice.all(device, after, camera, camera, type, type, limit)
    ) as Array<{ device: string; seq: number; received_at: number; payload: string; position: number }>;
    const last = rows.at(-1);
    return {
      events: rows.map((r) => ({
        device: r.device,
        seq: r.seq,
        received_at: r.received_at,
        event: JSON.parse(r.payload) as EventJson,
      })),
      next: rows.length < limit || !last ? null : device === undefined ? last.position : last.seq,
    };
  }
}
