import { RequestError } from '../../../base/requestError';
import { type EventRow, toEventView } from '../eventTable';
import { type AuditRow, INCIDENT_STATUS_SQL, type IncidentRow, toIncidentView } from './rowMapping';
import { Conditions, newestFirstPage, pageLimit, type StatementCache, severitiesFrom } from './sqlParts';
import { parseTime } from './timeParam';
import {
  INCIDENT_STATUSES,
  type IncidentDetail,
  type IncidentStatus,
  type IncidentView,
  type Page,
} from './views';

/** Events shown inside one incident; the rest are reachable with `GET /api/v1/events`. */
const INCIDENT_EVENTS_SHOWN = 100;

/** Filters of `GET /api/v1/incidents`; all optional and ANDed. Times apply to `started_at`. */
export interface IncidentFilter {
  camera?: string;
  label?: string;
  /** open | ended | acknowledged | resolved, by the incident's `status` (derived from its timestamps). */
  state?: string;
  /** Minimum severity. */
  severity?: string;
  since?: number | string;
  until?: number | string;
  limit?: number;
  cursor?: string;
}

export interface IncidentPage extends Page {
  incidents: IncidentView[];
}

/** Incident reads for {@link EventQueries}. */
export class IncidentQueries {
  readonly #statements: StatementCache;

  constructor(statements: StatementCache) {
    this.#statements = statements;
  }

  /** Newest first by `started_at`, then insertion order. */
  list(filter: IncidentFilter): IncidentPage {
    const limit = pageLimit(filter.limit);
    const where = new Conditions();
    if (filter.camera !== undefined) where.add('camera = ?', filter.camera);
    if (filter.label !== undefined) where.add('label = ?', filter.label);
    if (filter.state !== undefined) where.add(INCIDENT_STATUS_SQL[parseStatus(filter.state)]);
    if (filter.severity !== undefined) where.addIn('severity', severitiesFrom(filter.severity));
    const since = parseTime(filter.since, 'since');
    if (since !== undefined) where.add('started_at >= ?', since);
    const until = parseTime(filter.until, 'until');
    if (until !== undefined) where.add('started_at < ?', until);
    const { rows, next_cursor } = newestFirstPage<IncidentRow>(this.#statements, {
      table: 'incidents',
      timeColumn: 'started_at',
      where,
      cursor: filter.cursor,
      limit,
    });
    return { incidents: rows.map(toIncidentView), next_cursor };
  }

  /** The incident, its first events in time order and its audit trail; undefined if unknown. */
  get(id: string): IncidentDetail | undefined {
    const row = this.#statements.get('SELECT * FROM incidents WHERE id = ?').get(id) as
      | IncidentRow
      | undefined;
    if (row === undefined) return undefined;
    const events = this.#statements
      .get('SELECT * FROM events WHERE incident_id = ? ORDER BY timestamp, rowid LIMIT ?')
      .all(id, INCIDENT_EVENTS_SHOWN) as EventRow[];
    const audit = this.#statements
      .get(
        "SELECT id, state, at, actor, reason FROM audit WHERE subject_kind = 'incident' AND subject_id = ? ORDER BY id",
      )
      .all(id) as AuditRow[];
    return { ...toIncidentView(row), events: events.map(toEventView), audit };
  }
}

function parseStatus(state: string): IncidentStatus {
  if ((INCIDENT_STATUSES as readonly string[]).includes(state)) return state as IncidentStatus;
  throw new RequestError(
    'invalid',
    `state: '${state.slice(0, 40)}' is not an incident state — use one of ${INCIDENT_STATUSES.join(', ')}`,
    'state',
  );
}
