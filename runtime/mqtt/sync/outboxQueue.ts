import type { Database, Statement } from 'better-sqlite3';
import type { MqttConfig } from '../../config/schema/index';
import { SEVERITIES, type Severity } from '../../domain/eventModel';

/** One outbox row on its way to the central server. */
export interface OutboxRow {
  id: number;
  event_id: string;
  event_seq: number;
  /** The event as JSON, exactly as stored. */
  payload: string;
}

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

  constructor(db: Database) {
    this.#firstUnrouted = db
      .prepare("SELECT MIN(rowid) FROM events WHERE state = 'persisted'")
      .pluck() as Statement;
    this.#batch = db.prepare(`
      SELECT id, event_id, event_seq, payload FROM outbox
      WHERE acked_at IS NULL AND event_seq < ? ORDER BY event_seq LIMIT ?`);
    this.#backlog = db.prepare(
      'SELECT COUNT(*) AS rows, COALESCE(SUM(bytes), 0) AS bytes FROM outbox WHERE acked_at IS NULL',
    );
    this.#oldest = db
      .prepare('SELECT created_at FROM outbox WHERE acked_at IS NULL ORDER BY event_seq LIMIT 1')
      .pluck() as Statement;
    this.#ack = db.prepare('UPDATE outbox SET acked_at = ? WHERE event_id = ? AND acked_at IS NULL');
    const victims = (order: string) =>
      db.prepare(`SELECT id, bytes, severity FROM outbox WHERE acked_at IS NULL ORDER BY ${order}`);
    this.#victims = {
      drop_low_severity: victims(`${SEVERITY_RANK}, event_seq`),
      drop_oldest: victims('event_seq'),
    };
    this.#delete = db.prepare('DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))');
  }

  /** The next rows to send, oldest first, none past an event that is still being routed. */
  nextBatch(limit: number): OutboxRow[] {
    const watermark = (this.#firstUnrouted.get() as number | null) ?? Number.MAX_SAFE_INTEGER;
    return this.#batch.all(watermark, limit) as OutboxRow[];
  }

  backlog(): Backlog {
    const { rows, bytes } = this.#backlog.get() as { rows: number; bytes: number };
    return {
      rows,
      bytes,
      oldestAt: rows === 0 ? null : ((this.#oldest.get() as number | undefined) ?? null),
    };
  }

  /** Marks events acknowledged by the central server; returns how many were still waiting. Run inside a write. */
  acknowledge(eventIds: readonly string[], at: number): number {
    let changed = 0;
    for (const id of eventIds) changed += this.#ack.run(at, id).changes;
    return changed;
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
