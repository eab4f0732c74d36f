import type { Database } from 'better-sqlite3';
import type { Logger } from '../../base/logger';
import type { Config } from '../config/schema/index';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import type { StoreService } from '../store/storeService';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Rows per delete transaction: the receiver's commits wait behind each one, so keep them short.
const CHUNK = 2_000;

interface CentralRetentionDeps {
  retention: Config['central']['retention'];
  store: StoreService;
  logger: Logger;
  metrics: Metrics;
  /** How often it runs after the first sweep at start; hourly. */
  intervalMs?: number;
  now?: () => number;
}

/** What one sweep deleted, by reason. */
interface SweepResult {
  age: number;
  size: number;
}

/**
 * Keeps the central database bounded, per device: at start and then every hour, it deletes the
 * events older than `central.retention.days` (by when they happened), then, for a device past
 * `max_mb_per_device` of event JSON, its oldest events (in the device's own order) until it fits.
 * Deletions run in short transactions through the group-commit writer, beside the receiver's
 * commits; each is counted (`vigil_central_events_deleted_total{reason}`) and logged per device.
 */
export class CentralRetention implements Service {
  readonly name = 'retention';
  readonly #deps: CentralRetentionDeps;
  readonly #deleted;
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #sweeping: Promise<unknown> | undefined;
  #last: { at: string; deleted: SweepResult } | null = null;

  constructor(deps: CentralRetentionDeps) {
    this.#deps = deps;
    this.#deleted = deps.metrics.counter({
      name: 'vigil_central_events_deleted_total',
      help: 'Events the central deleted by retention, by reason (age, size)',
      labelNames: ['reason'],
    });
  }

  /** Starts the first sweep (in the background: a large backlog must not hold up the start) and the hourly timer. */
  async start(): Promise<void> {
    this.#stopping = false;
    void this.#sweepOnce();
    this.#timer = setInterval(() => void this.#sweepOnce(), this.#deps.intervalMs ?? HOUR_MS);
    this.#timer.unref();
  }

  /** Ends a sweep in progress after its current chunk. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }

  health(): Record<string, unknown> {
    return { ...this.#deps.retention, last_sweep: this.#last };
  }

  /** One sweep over every device; resolves with how many events went, by reason. */
  async sweep(): Promise<SweepResult> {
    const { retention, store } = this.#deps;
    const now = (this.#deps.now ?? Date.now)();
    const result: SweepResult = { age: 0, size: 0 };
    const devices = (
      store.db.prepare('SELECT device FROM device_usage ORDER BY device').all() as Array<{
        device: string;
      }>
    ).map((row) => row.device);
    for (const device of devices) {
      if (this.#stopping) break;
      if (retention.days > 0) {
        const deleted = await this.#deleteOlder(device, now - retention.days * DAY_MS);
        this.#report(device, 'age', deleted);
        result.age += deleted;
      }
      if (retention.max_mb_per_device > 0) {
        const deleted = await this.#deleteOverSize(
          device,
          Math.floor(retention.max_mb_per_device * 1024 * 1024),
        );
        this.#report(device, 'size', deleted);
        result.size += deleted;
      }
    }
    this.#last = { at: new Date(now).toISOString(), deleted: result };
    return result;
  }

  /** A sweep that never overlaps another and never throws (a failure is logged; the next one tries again). */
  async #sweepOnce(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = this.sweep()
      .catch((err: unknown) =>
        this.#deps.logger.error({ err }, 'central retention failed; it runs again in an hour'),
      )
      .finally(() => {
        this.#sweeping = undefined;
      });
    await this.#sweeping;
  }

  async #deleteOlder(device: string, before: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.#deps.store.writer.write(
        (db) =>
          db
            .prepare(
              'DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE device = ? AND timestamp < ? LIMIT ?)',
            )
            .run(device, before, CHUNK).changes,
      );
      total += deleted;
      if (deleted < CHUNK || this.#stopping) return total;
    }
  }

  /** Deletes the device's oldest events (by seq) until its events take at most `limitBytes`. */
  async #deleteOverSize(device: string, limitBytes: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.#deps.store.writer.write((db) => {
        const excess = usageOf(db, device) - limitBytes;
        if (excess <= 0) return 0;
        const rows = db
          .prepare(
            'SELECT seq, length(CAST(payload AS BLOB)) AS bytes FROM events WHERE device = ? ORDER BY seq LIMIT ?',
          )
          .all(device, CHUNK) as Array<{ seq: number; bytes: number }>;
        let freed = 0;
        let upTo: number | undefined;
        for (const row of rows) {
          freed += row.bytes;
          upTo = row.seq;
          if (freed >= excess) break;
        }
        if (upTo === undefined) return 0;
        return db.prepare('DELETE FROM events WHERE device = ? AND seq <= ?').run(device, upTo).changes;
      });
      total += deleted;
      if (deleted === 0 || this.#stopping) return total;
    }
  }

  #report(device: string, reason: keyof SweepResult, deleted: number): void {
    if (deleted === 0) return;
    this.#deleted.inc({ reason }, deleted);
    const { days, max_mb_per_device } = this.#deps.retention;
    this.#deps.logger.info(
      { device, deleted, reason, ...(reason === 'age' ? { days } : { max_mb: max_mb_per_device }) },
      reason === 'age'
        ? `central retention: deleted ${deleted} events of ${device} older than ${days} days`
        : `central retention: deleted ${deleted} of the oldest events of ${device} to keep it under ${max_mb_per_device} MiB`,
    );
  }
}

function usageOf(db: Database, device: string): number {
  const row = db.prepare('SELECT bytes FROM device_usage WHERE device = ?').get(device) as
    | { bytes: number }
    | undefined;
  return row?.bytes ?? 0;
}
