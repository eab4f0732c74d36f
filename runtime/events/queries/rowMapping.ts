import type { VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';
import type {
  AuditView,
  DeadLetterView,
  EnrichmentView,
  EventView,
  IncidentStatus,
  IncidentView,
} from './views';

/** Stored JSON text → value. Text that is not JSON is returned as is, so one bad row cannot fail a listing. */
function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (e.g. a plain decision word): show the stored text rather than hide the row.
    return text;
  }
}

/** Columns of `events` as SQLite returns them (JSON columns still text). */
export type EventRow = Omit<EventView, 'box' | 'zones' | 'data' | 'tags' | 'decision'> & {
  box: string | null;
  zones: string;
  data: string;
  tags: string;
  decision: string | null;
};

export function toEventView(row: EventRow): EventView {
  return {
    ...row,
    box: parseJson(row.box),
    zones: parseJson(row.zones),
    data: parseJson(row.data),
    tags: parseJson(row.tags),
    decision: parseJson(row.decision),
  };
}

/** What only the stored row knows about a processed event; see {@link eventViewOf}. */
export interface StoredEventFields {
  state: string;
  description: string | null;
  duplicates: number;
  last_duplicate_at: number | null;
}

/**
 * An event the processor holds in memory, shown as {@link toEventView} shows its row once the
 * rules' decision is stored: their severity, tags and decision, their `set` fields merged into
 * `data` (as `RoutingStore.applyDecision` writes them). Used when the row cannot be read.
 */
export function eventViewOf(
  event: VigilEvent,
  decision: Decision,
  stored: StoredEventFields = { state: 'routed', description: null, duplicates: 0, last_duplicate_at: null },
): EventView {
  return {
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    received_at: event.receivedAt,
    source: event.source,
    camera: event.camera,
    label: event.label,
    object_id: event.objectId,
    confidence: event.confidence,
    box: event.box,
    zones: event.zones,
    data: Object.keys(decision.set).length > 0 ? { ...event.data, ...decision.set } : event.data,
    correlation_id: event.correlationId,
    parent_id: event.parentId,
    severity: decision.severity,
    fingerprint: event.fingerprint,
    incident_id: event.incidentId,
    state: stored.state,
    duplicates: stored.duplicates,
    last_duplicate_at: stored.last_duplicate_at,
    description: stored.description,
    tags: decision.tags,
    decision,
  };
}

export type EnrichmentRow = Omit<EnrichmentView, 'data'> & { data: string | null };

export function toEnrichmentView(row: EnrichmentRow): EnrichmentView {
  return { ...row, data: parseJson(row.data) };
}

export type AuditRow = AuditView;

/** Columns of `incidents` as SQLite returns them (JSON columns still text, file paths not shown). */
export type IncidentRow = Omit<
  IncidentView,
  'zones' | 'status' | 'protected' | 'clip_gaps' | 'has_clip' | 'clip_url' | 'has_snapshot' | 'snapshot_url'
> & {
  zones: string;
  protected: number;
  clip_gaps: string;
  clip_path: string | null;
  snapshot_path: string | null;
};

/** The one place that decides an incident's status from its timestamps. */
function incidentStatus(
  row: Pick<IncidentRow, 'resolved_at' | 'acknowledged_at' | 'ended_at'>,
): IncidentStatus {
  if (row.resolved_at !== null) return 'resolved';
  if (row.acknowledged_at !== null) return 'acknowledged';
  if (row.ended_at !== null) return 'ended';
  return 'open';
}

/**
 * The same rule as {@link incidentStatus} as SQL conditions, for filtering. Timestamps rather
 * than the `state` column, so the filter holds whoever last wrote `state` (aggregator or action).
 */
export const INCIDENT_STATUS_SQL: Record<IncidentStatus, string> = {
  resolved: 'resolved_at IS NOT NULL',
  acknowledged: 'resolved_at IS NULL AND acknowledged_at IS NOT NULL',
  ended: 'resolved_at IS NULL AND acknowledged_at IS NULL AND ended_at IS NOT NULL',
  open: 'resolved_at IS NULL AND acknowledged_at IS NULL AND ended_at IS NULL',
};

export function toIncidentView(row: IncidentRow): IncidentView {
  const { clip_path, snapshot_path, ...rest } = row;
  const base = `/api/v1/incidents/${encodeURIComponent(row.id)}`;
  const hasClip = row.clip_state === 'ready' && clip_path !== null;
  return {
    ...rest,
    status: incidentStatus(row),
    zones: parseJson(row.zones),
    protected: row.protected === 1,
    clip_gaps: parseJson(row.clip_gaps),
    has_clip: hasClip,
    clip_url: hasClip ? `${base}/clip.mp4` : null,
    has_snapshot: snapshot_path !== null,
    snapshot_url: snapshot_path !== null ? `${base}/snapshot.jpg` : null,
  };
}

export type DeadLetterRow = Omit<DeadLetterView, 'payload'> & { payload: string };

export function toDeadLetterView(row: DeadLetterRow): DeadLetterView {
  return { ...row, payload: parseJson(row.payload) };
}
