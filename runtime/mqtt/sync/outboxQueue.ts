import type { Database, Statement } from 'better-sqlite3';
import type { MqttConfig } from '../../config/schema/index';
import { SEVERITIES, type Severity } from '../../domain/eventModel';

/** One outbox row on its way to the central server. */
export interface OutboxRow {
  id: number;
  event_id: string;
  event_seq: number;
  /** Its place in the sync sequence, once it was first sent; null before. */
  sync_seq: number | null;
  /** The event as JSON (EventJson, domain/eventJson.ts), exactly as stored. */
  payload: string;
  bytes: number;
}

/** A row numbered for sending: its `sync_seq` is set. */
export type NumberedRow = OutboxRow & { sync_seq: number };

/** The backlog: rows not acknowledged yet. */
export interface Backlog {
  rows: number;
  bytes: number;
  /** `created_at` of the next row to send; null when nothing waits. */
  oldestAt: number | null;
}

/** What a full outbox gave up. */
export interface Dropped {
  total: number;
  bySeverity: Partial<Record<Severity, number>>;
}

const SEVERITY_RANK = `CASE severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE 0 END`;

/**
 * The outbox as the sync worker sees it (the routing worker fills it, in the same transaction as
 * the rules' decision). Rows are sent in ingest order, and only up to the first event that is
 * not routed yet: routing runs several events at once, so without that watermark an event could
 * reach the central server after a later one from the same camera.
 */
export class OutboxQueue {
  readonly #firstUnrouted: Statement;
  readonly #batch: Statement;
  readonly #backlog: Statement;
  readonly #oldest: Statement;
  readonly #ack: Statement;
  readonly #victims: Record<MqttConfig['outbox']['when_full'], Statement>;
  readonly #delete: Statement;
  readonly #state: Statement;
  readonly #setState: Statement;
  readonly #number: Statement;
  readonly #deadLetter: Statement;

  constructor(db: Database) {
    this.#firstUnrouted = db
      .prepare("SELECT MIN(rowid) FROM events WHERE state = 'persisted'")
      .pluck() as Statement;
    this.#batch = db.prepare(`
      SELECT id, event_id, event_seq, sync_seq, payload, bytes FROM outbox
      WHERE acked_at IS NULL AND event_seq < ? ORDER BY event_seq LIMIT ?`);
    this.#backlog = db.prepare(
      'SELECT COUNT(*) AS rows, COALESCE(SUM(bytes), 0) AS bytes FROM outbox WHERE acked_at IS NULL',
    );
    this.#oldest = db
      .prepare('SELECT created_at FROM outbox WHERE acked_at IS NULL ORDER BY event_seq LIMIT 1')
      .pluck() as Statement;
    this.#ack = db.prepare('UPDATE outbox SET acked_at = ? WHERE event_id = ? AND acked_at IS NULL');
    // Rows sent already (numbered) are never dropped: the central server may hold them, and a gap
    // in the sequence would stop it taking the next batch. At most one batch of them waits.
    const victims = (order: string) =>
      db.prepare(
        `SELECT id, bytes, severity FROM outbox WHERE acked_at IS NULL AND sync_seq IS NULL ORDER BY ${order}`,
      );
    this.#victims = {
      drop_low_severity: victims(`${SEVERITY_RANK}, event_seq`),
      drop_oldest: victims('event_seq'),
    };
    this.#delete = db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))');
    this.#state = db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck() as Statement;
    this.#setState = db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#number = db.prepare('UPDATE outbox SET sync_seq = ? WHERE id = ? AND sync_seq IS NULL');
    this.#deadLetter = db.prepare(
      "INSERT INTO dead_letters (event_id, stage, reason, payload, created_at) VALUES (?, 'sync', ?, ?, ?)",
    );
  }

  /**
   * The next rows to send, oldest first, none past an event that is still being routed: at most
   * `limit` rows and `maxBytes` of payload (always at least one row).
   */
  nextBatch(limit: number, maxBytes: number): OutboxRow[] {
    const watermark = (this.#firstUnrouted.get() as number | null) ?? Number.MAX_SAFE_INTEGER;
    const rows = this.#batch.all(watermark, limit) as OutboxRow[];
    let bytes = 0;
    const fitting = rows.findIndex((row) => {
      bytes += row.bytes;
      return bytes > maxBytes;
    });
    return fitting === -1 ? rows : rows.slice(0, Math.max(1, fitting));
  }

  /**
   * Gives the rows not sent before their place in the sync sequence, after the last one given (run
   * inside a write, before the batch is published). Rows sent before keep theirs.
   */
  number(rows: readonly OutboxRow[]): NumberedRow[] {
    let next = Number(this.#state.get('next_seq') ?? 1);
    const numbered = rows.map((row) => {
      if (row.sync_seq !== null) return row as NumberedRow;
      this.#number.run(next, row.id);
      return { ...row, sync_seq: next++ };
    });
    this.#setState.run('next_seq', String(next));
    return numbered;
  }

  /** The last seq the central server has acknowledged (0 before the first ack). */
  ackedThrough(): number {
    return Number(this.#state.get('acked_through') ?? 0);
  }

  backlog(): Backlog {
    const { rows, bytes } = this.#backlog.get() as { rows: number; bytes: number };
    return {
      rows,
      bytes,
      oldestAt: rows === 0 ? null : ((this.#oldest.get() as number | undefined) ?? null),
    };
  }

  /**
   * Marks events acknowledged by the central server, and `throughSeq` as the last acknowledged
   * seq; returns how many were still waiting. Run inside a write.
   */
  acknowledge(eventIds: readonly string[], throughSeq: number, at: number): number {
    let changed = 0;
    for (const id of eventIds) changed += this.#ack.run(at, id).changes;
    if (throughSeq > this.ackedThrough()) this.#setState.run('acked_through', String(throughSeq));
    return changed;
  }

  /**
   * Gives up on a batch the central server keeps rejecting: its rows move to the dead letters
   * (stage `sync`, listed by GET /api/v1/dead-letters) and leave the outbox, and the acknowledged
   * position moves past their seqs so that the next batch follows on without a gap. Run inside a
   * write.
   */
  deadLetter(rows: readonly NumberedRow[], reason: string, at: number): void {
    for (const row of rows) this.#deadLetter.run(row.event_id, reason, row.payload, at);
    this.#delete.run(JSON.stringify(rows.map((row) => row.id)));
    const lastSeq = Math.max(...rows.map((row) => row.sync_seq));
    if (lastSeq > this.ackedThrough()) this.#setState.run('acked_through', String(lastSeq));
  }

  /**
   * Deletes waiting rows until the backlog is within `maxRows` and `maxBytes`, in the policy's
   * order. Run inside a write. Returns what was dropped.
   */
  shrink(
    backlog: Backlog,
    limits: { maxRows: number; maxBytes: number },
    policy: MqttConfig['outbox']['when_full'],
  ): Dropped {
    const dropped: Dropped = { total: 0, bySeverity: {} };
    let rows = backlog.rows;
    let bytes = backlog.bytes;
    if (rows <= limits.maxRows && bytes <= limits.maxBytes) return dropped;
    const ids: number[] = [];
    for (const victim of this.#victims[policy].iterate() as Iterable<{
      id: number;
      bytes: number;
      severity: Severity;
    }>) {
      if (rows <= limits.maxRows && bytes <= limits.maxBytes) break;
      ids.push(victim.id);
      rows -= 1;
      bytes -= victim.bytes;
      dropped.bySeverity[victim.severity] = (dropped.bySeverity[victim.severity] ?? 0) + 1;
    }
    this.#delete.run(JSON.stringify(ids));
    dropped.total = ids.length;
    return dropped;
  }
}
