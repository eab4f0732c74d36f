import type { Database } from 'better-sqlite3';
import { RequestError } from '../../../base/requestError';
import { EVENT_TYPES } from '../../domain/eventModel';
import type { EventView } from '../eventTable';
import { type EventRow, toEventView } from '../eventTable';
import { indexFtsBacklogBeforeSearch } from '../ftsBacklog';
import { decodeCursor, encodeCursor } from './cursor';
import { type AggregateOptions, type AggregateResult, EventAggregates } from './eventAggregates';
import { toFtsQuery } from './ftsQuery';
import { type IncidentFilter, type IncidentPage, IncidentQueries } from './incidentQueries';
import {
  type AuditRow,
  type DeadLetterRow,
  type EnrichmentRow,
  toDeadLetterView,
  toEnrichmentView,
} from './rowMapping';
import { Conditions, newestFirstPage, pageLimit, StatementCache, severitiesFrom } from './sqlParts';
import { parseTime } from './timeParam';
import type { DeadLetterView, EventDetail, IncidentDetail, Page } from './views';

/** Filters of `GET /api/v1/events`; all optional and ANDed. Times: `since` ≤ timestamp < `until`. */
export interface EventFilter {
  camera?: string;
  /** One type or a comma-separated list (`intrusion,loitering`), or an array. */
  type?: string | readonly string[];
  label?: string;
  zone?: string;
  /** Minimum severity: `high` means high and critical. */
  severity?: string;
  /** Epoch ms or ISO 8601. */
  since?: number | string;
  until?: number | string;
  /** Words to find in descriptions (all of them); operators and quotes are taken literally. */
  q?: string;
  /** 1..500, default 50. */
  limit?: number;
  /** `next_cursor` of the previous page. */
  cursor?: string;
}

export interface EventPage extends Page {
  events: EventView[];
}

export interface DeadLetterFilter {
  /** true: not resolved yet; false: resolved; absent: all. */
  open?: boolean;
  limit?: number;
  cursor?: string;
}

export interface DeadLetterPage extends Page {
  dead_letters: DeadLetterView[];
}

export interface EventQueriesOptions {
  db: Database;
  /** IANA zone for hour/day buckets (config `device.timezone`); default: the system's. */
  timeZone?: string;
  /** Clock for default aggregate ranges; default `Date.now`. */
  now?: () => number;
}

/**
 * Read side of the event store: listings with filters and cursor pagination, single events and
 * incidents with their enrichments and audit trails, aggregates and dead letters. Synchronous
 * (better-sqlite3); every statement is prepared once and reused.
 */
export class EventQueries {
  readonly #db: Database;
  readonly #statements: StatementCache;
  readonly #incidents: IncidentQueries;
  readonly #aggregates: EventAggregates;

  constructor(options: EventQueriesOptions) {
    this.#db = options.db;
    this.#statements = new StatementCache(options.db);
    this.#incidents = new IncidentQueries(this.#statements);
    this.#aggregates = new EventAggregates(this.#statements, {
      timeZone: options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      now: options.now ?? Date.now,
    });
  }

  /** Events newest first (by timestamp, then insertion order for equal timestamps). */
  listEvents(filter: EventFilter = {}): EventPage {
    const limit = pageLimit(filter.limit);
    const where = new Conditions();
    if (filter.camera !== undefined) where.add('camera = ?', filter.camera);
    const types = parseTypes(filter.type);
    if (types !== undefined) where.addIn('type', types);
    if (filter.label !== undefined) where.add('label = ?', filter.label);
    if (filter.zone !== undefined)
      where.add('id IN (SELECT event_id FROM event_zones WHERE zone = ?)', filter.zone);
    if (filter.severity !== undefined) where.addIn('severity', severitiesFrom(filter.severity));
    const since = parseTime(filter.since, 'since');
    if (since !== undefined) where.add('timestamp >= ?', since);
    const until = parseTime(filter.until, 'until');
    if (until !== undefined) where.add('timestamp < ?', until);
    if (filter.q !== undefined && filter.q.trim() !== '') {
      const match = toFtsQuery(filter.q);
      // Nothing searchable in q (only punctuation): a search for nothing finds nothing.
      if (match === null) return { events: [], next_cursor: null };
      // Descriptions are indexed in batches: those still queued are indexed first.
      indexFtsBacklogBeforeSearch(this.#db);
      where.add('rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)', match);
    }
    const { rows, next_cursor } = newestFirstPage<EventRow>(this.#statements, {
      table: 'events',
      timeColumn: 'timestamp',
      where,
      cursor: filter.cursor,
      limit,
    });
    return { events: rows.map(toEventView), next_cursor };
  }

  /** One event with its enrichment results and its audit trail (oldest first); undefined if unknown. */
  getEvent(id: string): EventDetail | undefined {
    const row = this.#statements.get('SELECT * FROM events WHERE id = ?').get(id) as EventRow | undefined;
    if (row === undefined) return this.#foldedEvent(id);
    const enrichments = this.#statements
      .get(
        'SELECT enricher, status, data, duration_ms, attempts, error FROM enrichments WHERE event_id = ? ORDER BY enricher',
      )
      .all(id) as EnrichmentRow[];
    const audit = this.#statements
      .get(
        "SELECT id, state, at, actor, reason FROM audit WHERE subject_kind = 'event' AND subject_id = ? ORDER BY id",
      )
      .all(id) as AuditRow[];
    return { ...toEventView(row), enrichments: enrichments.map(toEnrichmentView), audit };
  }

  /** The event a same-state repeat was folded into, saying so (`folded_into`), for the repeat's id. */
  #foldedEvent(id: string): EventDetail | undefined {
    const fold = this.#statements.get('SELECT event_id FROM event_folds WHERE id = ?').get(id) as
      | { event_id: string }
      | undefined;
    if (fold === undefined) return undefined;
    const event = this.getEvent(fold.event_id);
    if (event === undefined) return undefined;
    return { ...event, folded_into: fold.event_id, folded_id: id };
  }

  /** Incidents newest first by start. See {@link IncidentFilter}. */
  listIncidents(filter: IncidentFilter = {}): IncidentPage {
    return this.#incidents.list(filter);
  }

  /** One incident with its first 100 events (oldest first) and audit trail; undefined if unknown. */
  getIncident(id: string): IncidentDetail | undefined {
    return this.#incidents.get(id);
  }

  /** Event counts per camera, label, type, or local hour/day. See {@link EventAggregates}. */
  aggregates(options: AggregateOptions): AggregateResult {
    return this.#aggregates.count(options);
  }

  /** Dead letters newest first. */
  listDeadLetters(filter: DeadLetterFilter = {}): DeadLetterPage {
    const limit = pageLimit(filter.limit);
    const where = new Conditions();
    if (filter.open === true) where.add('resolved_at IS NULL');
    if (filter.open === false) where.add('resolved_at IS NOT NULL');
    if (filter.cursor !== undefined) where.add('id < ?', decodeCursor(filter.cursor, 1)[0]);
    const sql = `SELECT * FROM dead_letters ${where.sql} ORDER BY id DESC LIMIT ?`;
    const rows = this.#statements.get(sql).all(...where.params, limit + 1) as DeadLetterRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      dead_letters: page.map(toDeadLetterView),
      next_cursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
    };
  }
}

/** `intrusion,loitering` → both, checked against the known types so a typo is a 400, not an empty list. */
function parseTypes(type: string | readonly string[] | undefined): string[] | undefined {
  if (type === undefined) return undefined;
  const list = (typeof type === 'string' ? type.split(',') : [...type]).map((t) => t.trim()).filter(Boolean);
  const unknown = list.find((t) => !(EVENT_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined || list.length === 0) {
    throw new RequestError(
      'invalid',
      `type: '${(unknown ?? '').slice(0, 64)}' is not an event type — use one or more (comma-separated) of ${EVENT_TYPES.join(', ')}`,
      'type',
    );
  }
  return [...new Set(list)];
}
