import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../base/logger';
import type { Bus } from '../../bus/eventBus';
import type { MqttConfig } from '../../config/schema/index';
import type { EventTopics } from '../../events/eventTopics';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import type { MqttConnection } from '../mqttConnection';
import type { SyncMetrics } from '../mqttMetrics';
import type { VigilTopics } from '../vigilTopics';
import { type Backlog, type Dropped, type NumberedRow, OutboxQueue } from './outboxQueue';
import {
  type Ack,
  decodeAck,
  MAX_BATCH_BYTES,
  MAX_SIGNED_ACK_BYTES,
  SYNC_FORMAT_VERSION,
  SyncMessageError,
  signSyncBody,
} from './syncMessages';
import type { SyncStatus } from './syncStatus';

export interface SyncWorkerDeps {
  config: Pick<MqttConfig, 'qos' | 'outbox' | 'sync'>;
  deviceId: string;
  /** The device key batches are signed with and acks checked against (see deviceKey.ts). */
  key: Buffer;
  connection: MqttConnection;
  topics: VigilTopics;
  db: Database;
  writer: GroupCommitWriter;
  /** A full outbox raises a `system` event through the event processor. */
  bus: Bus<EventTopics>;
  logger: Logger;
  metrics: SyncMetrics;
}

/** Room kept in a batch for its head (device, epoch, batch id) and the per-event wrapping. */
const BATCH_OVERHEAD_BYTES = 64 * 1024;
/** At most one warning a minute about acks that are not for this appliance's batch in flight. */
const ACK_WARNING_MS = 60_000;
/** How often an idle worker looks for new outbox rows, and how often the limits are checked. */
const IDLE_POLL_MS = 200;
const LIMIT_CHECK_MS = 2000;
/** At most one `outbox_full` system event per this long; drops in between are summed into it. */
const OVERFLOW_EVENT_MS = 60_000;

/** Wait before sending a rejected batch again (a rejection comes back at once). */
const REJECTED_RETRY_MS = 1000;

type BatchOutcome = 'acked' | 'timeout' | 'disconnected' | 'stopped' | 'rejected';

/**
 * Store-and-forward to the central server: sends the outbox one batch at a time, oldest first,
 * and sends the next batch only once the central server has acknowledged the last (stop and
 * wait). That keeps every camera's events in order at the receiver even when a broker loses a
 * message, at the cost of one round trip per batch, which large batches make up for. Rows are
 * let go only on the central server's ack (its commit), never on the broker's PUBACK. A batch
 * not acknowledged in time, or in flight when the link dropped, is sent again; the receiver
 * stores by event id, so a repeat is acknowledged without being stored twice.
 */
export class SyncWorker {
  readonly #deps: SyncWorkerDeps;
  readonly #queue: OutboxQueue;
  #stopped = true;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #waiting:
    | { batch: string; ids: ReadonlySet<string>; lastSeq: number; settle: (outcome: BatchOutcome) => void }
    | undefined;
  #lastAckWarningAt = 0;
  #limitTimer: NodeJS.Timeout | undefined;
  #backlog: Backlog = { rows: 0, bytes: 0, oldestAt: null };
  #lastAckAt: number | null = null;
  #acked = 0;
  #dropped = 0;
  #pendingOverflow: Dropped = { total: 0, bySeverity: {} };
  #lastOverflowEventAt = 0;
  #lastTimeoutLogAt = 0;
  /** How many times in a row the batch starting at `firstSeq` was rejected. */
  #rejection: { firstSeq: number; count: number } | undefined;
  /** The central server's reason for the last rejection. */
  #lastRejected: NonNullable<Ack['rejected']> | undefined;

  constructor(deps: SyncWorkerDeps) {
    this.#deps = deps;
    this.#queue = new OutboxQueue(deps.db);
  }

  start(): void {
    this.#stopped = false;
    const { connection, topics } = this.#deps;
    connection.subscribe(topics.ack, (topic, payload, packet) => this.#onAck(topic, payload, packet.retain), {
      maxBytes: MAX_SIGNED_ACK_BYTES,
    });
    this.#backlog = this.#queue.backlog();
    this.#limitTimer = setInterval(() => void this.#enforceLimits(), LIMIT_CHECK_MS);
    this.#limitTimer.unref();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#limitTimer);
    this.#waiting?.settle('stopped');
    this.#wake?.();
    await this.#loop;
  }

  /** The link is up: send what waits. */
  connected(): void {
    this.#wake?.();
  }

  /** The link dropped: the batch in flight will be sent again after the reconnect. */
  disconnected(): void {
    this.#waiting?.settle('disconnected');
  }

  status(): SyncStatus {
    const { rows, bytes, oldestAt } = this.#backlog;
    return {
      backlog: rows,
      backlog_bytes: bytes,
      oldest_age_seconds: oldestAt === null ? 0 : Math.max(0, Math.round((Date.now() - oldestAt) / 1000)),
      last_ack_at: this.#lastAckAt,
      acked: this.#acked,
      dropped: this.#dropped,
    };
  }

  async #run(): Promise<void> {
    const { connection, logger } = this.#deps;
    while (!this.#stopped) {
      try {
        if (!connection.connected) {
          await this.#sleep(IDLE_POLL_MS * 5);
          continue;
        }
        const rows = this.#queue.nextBatch(
          this.#deps.config.sync.batch_size,
          MAX_BATCH_BYTES - BATCH_OVERHEAD_BYTES,
        );
        if (rows.length === 0) {
          await this.#sleep(IDLE_POLL_MS);
          continue;
        }
        const numbered = await this.#deps.writer.write(() => this.#queue.number(rows));
        const outcome = await this.#send(numbered);
        if (outcome === 'timeout' || outcome === 'disconnected') this.#resendLater(outcome, rows.length);
        if (outcome === 'rejected') await this.#rejected(numbered);
        else if (outcome === 'acked') this.#rejection = undefined;
      } catch (err) {
        logger.error({ err }, 'sync to the central server failed; trying again');
        await this.#sleep(IDLE_POLL_MS * 5);
      }
    }
  }

  /** Publishes one batch and waits for its ack (or a timeout, a dropped link, a stop). */
  async #send(rows: readonly NumberedRow[]): Promise<BatchOutcome> {
    const { connection, topics, config } = this.#deps;
    const batch = randomUUID();
    const ids = new Set(rows.map((row) => row.event_id));
    const lastSeq = rows.at(-1)?.sync_seq ?? 0;
    const outcome = new Promise<BatchOutcome>((resolve) => {
      const timer = setTimeout(() => settle('timeout'), config.sync.ack_timeout_seconds * 1000);
      const settle = (result: BatchOutcome) => {
        clearTimeout(timer);
        if (this.#waiting?.batch === batch) this.#waiting = undefined;
        resolve(result);
      };
      this.#waiting = { batch, ids, lastSeq, settle };
    });
    // Not awaited: the central server's ack, the timeout or the link dropping ends the wait, not
    // the broker's PUBACK, which a half-open link may never deliver.
    connection
      .publish(topics.events, this.#encode(batch, rows), { qos: config.qos })
      .catch(() => this.#settleIf(batch, 'disconnected'));
    return outcome;
  }

  /**
   * The batch signed for the events topic, the stored event payloads spliced in as they are (no
   * parse and re-stringify).
   */
  #encode(batch: string, rows: readonly NumberedRow[]): Buffer {
    const { deviceId, topics, key, config } = this.#deps;
    const head = JSON.stringify({
      v: SYNC_FORMAT_VERSION,
      device: deviceId,
      acked_through: this.#queue.ackedThrough(),
      batch,
      sent_at: Date.now(),
    });
    const events = rows.map((row) => `{"seq":${row.sync_seq},"event":${row.payload}}`).join(',');
    const json = Buffer.from(`${head.slice(0, -1)},"events":[${events}]}`);
    return signSyncBody(topics.events, json, key, config.sync.compression === 'gzip');
  }

  /**
   * An ack counts only when it is signed with this appliance's key, is for the batch in flight,
   * and for ids of that batch: a forged, stale or retained ack lets go of nothing.
   */
  async #onAck(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    const { writer, metrics, key } = this.#deps;
    const waiting = this.#waiting;
    let ack: Ack;
    try {
      if (retained) throw new SyncMessageError('retain', 'a retained ack is never taken');
      ack = decodeAck(topic, payload, key);
      if (waiting?.batch !== ack.batch)
        throw new SyncMessageError('batch', `'${ack.batch}' is not the batch in flight`);
    } catch (err) {
      this.#ignoredAck(err);
      return;
    }
    if (ack.rejected) {
      this.#lastRejected = ack.rejected;
      waiting.settle('rejected');
      return;
    }
    const ids = ack.ids.filter((id) => waiting.ids.has(id));
    const complete = ids.length === waiting.ids.size;
    const at = Date.now();
    // Only a whole batch moves the acknowledged position: its seqs are then all stored.
    const changed = await writer.write(() =>
      this.#queue.acknowledge(ids, complete ? waiting.lastSeq : 0, at),
    );
    this.#acked += changed;
    this.#lastAckAt = at;
    metrics.synced.inc(changed);
    this.#backlog = this.#queue.backlog();
    if (complete) waiting.settle('acked');
  }

  /** Ends the wait for `batch` only: a late failure of an earlier batch's publish ends nothing. */
  #settleIf(batch: string, outcome: BatchOutcome): void {
    if (this.#waiting?.batch === batch) this.#waiting.settle(outcome);
  }

  #ignoredAck(err: unknown): void {
    this.#deps.metrics.ignoredAcks.inc();
    if (Date.now() - this.#lastAckWarningAt < ACK_WARNING_MS) return;
    this.#lastAckWarningAt = Date.now();
    this.#deps.logger.warn(
      { err: (err as Error).message },
      'ignored an ack that is not from the central server for the batch in flight (forged, stale or retained)',
    );
  }

  /**
   * The central server rejected the batch for what it holds. Only explicit rejections count
   * towards `max_attempts` (a timeout or a dropped link says nothing about the batch); after that
   * many in a row, its events go to the dead letters and a `system` event says so, so that the
   * batches after it flow. The count lives in memory: a restart gives the batch its tries again.
   */
  async #rejected(rows: readonly NumberedRow[]): Promise<void> {
    const { config, writer, logger, metrics } = this.#deps;
    const firstSeq = rows[0]?.sync_seq ?? 0;
    const { field, message } = this.#lastRejected ?? { field: 'payload', message: 'rejected' };
    const count = this.#rejection?.firstSeq === firstSeq ? this.#rejection.count + 1 : 1;
    this.#rejection = { firstSeq, count };
    metrics.resends.inc({ reason: 'rejected' });
    if (count < config.sync.max_attempts) {
      logger.warn(
        { rows: rows.length, attempt: count, max_attempts: config.sync.max_attempts, field, reason: message },
        'the central server rejected a batch; sending it again',
      );
      await this.#sleep(REJECTED_RETRY_MS);
      return;
    }
    const reason = `rejected by the central server ${count} times: ${message}`;
    await writer.write(() => this.#queue.deadLetter(rows, reason, Date.now()));
    this.#rejection = undefined;
    this.#backlog = this.#queue.backlog();
    logger.error(
      { events: rows.length, attempts: count, field, reason: message },
      'the central server keeps rejecting a batch: its events moved to the dead letters (GET /api/v1/dead-letters)',
    );
    this.#deps.bus
      .publishAndWaitForHandlers('event.ingest', {
        type: 'system',
        source: 'mqtt',
        severity: 'high',
        data: {
          reason: 'sync_rejected',
          events: rows.length,
          event_ids: rows.slice(0, 20).map((row) => row.event_id),
          attempts: count,
          field,
          rejection: message,
        },
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not raise the sync_rejected system event'));
  }

  #resendLater(outcome: 'timeout' | 'disconnected', rows: number): void {
    this.#deps.metrics.resends.inc({ reason: outcome });
    if (outcome === 'timeout' && Date.now() - this.#lastTimeoutLogAt > 60_000) {
      this.#lastTimeoutLogAt = Date.now();
      this.#deps.logger.warn(
        { rows, timeout_seconds: this.#deps.config.sync.ack_timeout_seconds },
        'the central server did not acknowledge a batch in time; sending it again (is vigil central running?)',
      );
    }
  }

  async #enforceLimits(): Promise<void> {
    const { config, writer, logger, metrics } = this.#deps;
    try {
      const backlog = this.#queue.backlog();
      const limits = { maxRows: config.outbox.max_rows, maxBytes: config.outbox.max_mb * 1024 * 1024 };
      let dropped: Dropped = { total: 0, bySeverity: {} };
      if (backlog.rows > limits.maxRows || backlog.bytes > limits.maxBytes) {
        dropped = await writer.write(() =>
          this.#queue.shrink(this.#queue.backlog(), limits, config.outbox.when_full),
        );
      }
      this.#backlog = dropped.total > 0 ? this.#queue.backlog() : backlog;
      if (dropped.total === 0) return;
      this.#dropped += dropped.total;
      for (const [severity, count] of Object.entries(dropped.bySeverity))
        metrics.dropped.inc({ severity }, count);
      logger.warn(
        { dropped: dropped.total, by_severity: dropped.bySeverity, policy: config.outbox.when_full, limits },
        'outbox full: dropped events the central server has not received',
      );
      this.#overflowed(dropped);
    } catch (err) {
      logger.error({ err }, 'checking the outbox limits failed');
    }
  }

  /** Raises a `system` event about the drops, at most once a minute (the rest are summed into the next). */
  #overflowed(dropped: Dropped): void {
    const pending = this.#pendingOverflow;
    pending.total += dropped.total;
    for (const [severity, count] of Object.entries(dropped.bySeverity) as Array<
      [keyof Dropped['bySeverity'], number]
    >)
      pending.bySeverity[severity] = (pending.bySeverity[severity] ?? 0) + count;
    if (Date.now() - this.#lastOverflowEventAt < OVERFLOW_EVENT_MS) return;
    this.#lastOverflowEventAt = Date.now();
    this.#pendingOverflow = { total: 0, bySeverity: {} };
    const { config, bus, logger } = this.#deps;
    bus
      .publishAndWaitForHandlers('event.ingest', {
        type: 'system',
        source: 'mqtt',
        severity: 'high',
        data: {
          reason: 'outbox_full',
          dropped: pending.total,
          dropped_by_severity: pending.bySeverity,
          policy: config.outbox.when_full,
          max_rows: config.outbox.max_rows,
          max_mb: config.outbox.max_mb,
        },
      })
      .catch((err: unknown) => logger.warn({ err }, 'could not raise the outbox_full system event'));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}
