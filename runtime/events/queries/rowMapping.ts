import { parseJson } from '../eventTable';
import type { AuditView, DeadLetterView, EnrichmentView, IncidentStatus, IncidentView } from './views';

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
