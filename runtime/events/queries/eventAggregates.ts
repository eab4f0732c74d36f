import { RequestError } from '../../../base/requestError';
import { Conditions, type StatementCache } from './sqlParts';
import { parseTime } from './timeParam';

export const AGGREGATE_KEYS = ['camera', 'label', 'type', 'hour', 'day'] as const;
type AggregateBy = (typeof AGGREGATE_KEYS)[number];

export interface AggregateOptions {
  by: AggregateBy | string;
  /** Epoch ms or ISO. Default: 24 h before `until` for `hour`, 30 days for `day`, unbounded otherwise. */
  since?: number | string;
  /** Exclusive. Default: now for `hour`/`day`, unbounded otherwise. */
  until?: number | string;
  camera?: string;
}

interface AggregateBucket {
  /** Camera/label/type (null for events without one), or the local hour `2024-05-01T13:00+02:00` / day `2024-05-01`. */
  key: string | null;
  count: number;
}

export interface AggregateResult {
  by: AggregateBy;
  /** IANA zone of hour/day keys; null for the other groupings. */
  time_zone: string | null;
  since: number | null;
  until: number | null;
  /** camera/label/type: most events first. hour/day: oldest first, only buckets with events. */
  buckets: AggregateBucket[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * SQL groups by UTC quarter-hours; JS names each quarter's local hour/day. Every UTC offset in
 * use is a multiple of 15 minutes, so no quarter straddles a local hour, and DST days come out
 * right (23 or 25 hours; the repeated autumn hour appears twice, told apart by its offset).
 */
const SLOT_MS = 15 * 60_000;

const COLUMN: Record<'camera' | 'label' | 'type', string> = {
  camera: 'camera',
  label: 'label',
  type: 'type',
};

/** Counts for the status page's charts. */
export class EventAggregates {
  readonly #statements: StatementCache;
  readonly #timeZone: string;
  readonly #now: () => number;
  readonly #format: Intl.DateTimeFormat;

  constructor(statements: StatementCache, options: { timeZone: string; now: () => number }) {
    this.#statements = statements;
    this.#timeZone = options.timeZone;
    this.#now = options.now;
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone: options.timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'longOffset',
      });
    } catch (err) {
      throw new Error(
        `device.timezone: '${options.timeZone}' is not an IANA time zone — use a name such as Europe/Berlin or UTC`,
        { cause: err },
      );
    }
  }

  count(options: AggregateOptions): AggregateResult {
    const by = parseBy(options.by);
    const timed = by === 'hour' || by === 'day';
    let until = parseTime(options.until, 'until');
    let since = parseTime(options.since, 'since');
    if (timed) {
      until ??= this.#now();
      since ??= until - (by === 'hour' ? DAY_MS : 30 * DAY_MS);
    }
    const where = new Conditions();
    if (options.camera !== undefined) where.add('camera = ?', options.camera);
    if (since !== undefined) where.add('timestamp >= ?', since);
    if (until !== undefined) where.add('timestamp < ?', until);
    const range = { since: since ?? null, until: until ?? null };

    if (!timed) {
      const column = COLUMN[by];
      const sql = `SELECT ${column} AS key, count(*) AS count FROM events ${where.sql} GROUP BY ${column} ORDER BY count DESC, key`;
      const buckets = this.#statements.get(sql).all(...where.params) as AggregateBucket[];
      return { by, time_zone: null, ...range, buckets };
    }
    const sql = `SELECT timestamp / ${SLOT_MS} AS slot, count(*) AS count FROM events ${where.sql} GROUP BY slot ORDER BY slot`;
    const slots = this.#statements.get(sql).all(...where.params) as Array<{ slot: number; count: number }>;
    // Slots come in time order, and a Map keeps insertion order, so buckets stay chronological.
    const counts = new Map<string, number>();
    for (const { slot, count } of slots) {
      const key = this.#localKey(slot * SLOT_MS, by);
      counts.set(key, (counts.get(key) ?? 0) + count);
    }
    return {
      by,
      time_zone: this.#timeZone,
      ...range,
      buckets: [...counts].map(([key, count]) => ({ key, count })),
    };
  }

  #localKey(ms: number, by: 'hour' | 'day'): string {
    const parts: Record<string, string> = {};
    for (const part of this.#format.formatToParts(ms)) parts[part.type] = part.value;
    const day = `${parts.year}-${parts.month}-${parts.day}`;
    if (by === 'day') return day;
    // longOffset is "GMT+02:00", or plain "GMT" for UTC itself.
    const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
    return `${day}T${parts.hour}:00${offset}`;
  }
}

function parseBy(by: string): AggregateBy {
  if ((AGGREGATE_KEYS as readonly string[]).includes(by)) return by as AggregateBy;
  throw new RequestError(
    'invalid',
    `by: '${by.slice(0, 40)}' cannot be counted by — use one of ${AGGREGATE_KEYS.join(', ')}`,
    'by',
  );
}
