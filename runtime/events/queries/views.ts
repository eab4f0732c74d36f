/**
 * Rows as the API shows them: the stored snake_case columns, with the JSON columns parsed. The
 * event's own columns are listed once, in ../eventTable.ts.
 */
import type { EventView } from '../eventTable';

/** One enricher's stored outcome for an event. */
export interface EnrichmentView {
  enricher: string;
  status: string;
  data: unknown;
  duration_ms: number;
  attempts: number;
  error: string | null;
}

/** One append-only state change of an event or incident. */
export interface AuditView {
  id: number;
  state: string;
  at: number;
  actor: string;
  reason: string | null;
}

/** `GET /api/v1/events/:id`. */
export interface EventDetail extends EventView {
  enrichments: EnrichmentView[];
  audit: AuditView[];
  /** Present when the id asked for is a repeat folded into this event: this event's id (as `id`). */
  folded_into?: string;
  /** With `folded_into`: the id asked for, the repeat's. */
  folded_id?: string;
}

/** An incident: detections of one object/camera grouped over time. */
export interface IncidentView {
  id: string;
  key: string;
  camera: string | null;
  label: string | null;
  object_id: string | null;
  type: string;
  severity: string;
  /** The stored state column, as the aggregator and the actions wrote it. */
  state: string;
  /** Derived from the timestamps: resolved > acknowledged > ended > open (see `incidentStatusSql`). */
  status: IncidentStatus;
  started_at: number;
  last_seen_at: number;
  ended_at: number | null;
  event_count: number;
  max_confidence: number | null;
  zones: unknown;
  acknowledged_at: number | null;
  resolved_at: number | null;
  note: string | null;
  /** Kept by retention even past its limits (`POST …/:id/protect`). */
  protected: boolean;
  /** null: no clip wanted; recording (until post_capture after the end), ready, failed, missing, deleted. */
  clip_state: string | null;
  has_clip: boolean;
  /** `GET /api/v1/incidents/:id/clip.mp4` when `has_clip`. */
  clip_url: string | null;
  /** Stretches inside the clip's window with no recording: `[{ from, to, reason }]`. */
  clip_gaps: unknown;
  has_snapshot: boolean;
  /** `GET /api/v1/incidents/:id/snapshot.jpg` when `has_snapshot` (`?annotated=true` for boxes). */
  snapshot_url: string | null;
}

/** `GET /api/v1/incidents/:id`: the incident, its first events (oldest first) and its audit trail. */
export interface IncidentDetail extends IncidentView {
  events: EventView[];
  audit: AuditView[];
}

export const INCIDENT_STATUSES = ['open', 'ended', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An event that failed after acceptance, kept with the reason until retried or resolved. */
export interface DeadLetterView {
  id: number;
  event_id: string | null;
  stage: string;
  reason: string;
  payload: unknown;
  created_at: number;
  retry_count: number;
  retried_at: number | null;
  resolved_at: number | null;
}

/** One page of a listing, newest first; `next_cursor` is null on the last page. */
export interface Page {
  next_cursor: string | null;
}
