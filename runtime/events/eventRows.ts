import type { EventType, Severity, VigilEvent } from './eventModel';

/** An `events` row as SQLite returns it. */
export interface EventRow {
  id: string;
  type: string;
  timestamp: number;
  received_at: number;
  source: string;
  camera: string | null;
  label: string | null;
  object_id: string | null;
  confidence: number | null;
  box: string | null;
  zones: string;
  data: string;
  correlation_id: string;
  parent_id: string | null;
  severity: string;
  fingerprint: string;
  incident_id: string | null;
  decision: string | null;
}

export function eventFromRow(row: EventRow): VigilEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    timestamp: row.timestamp,
    receivedAt: row.received_at,
    source: row.source,
    camera: row.camera,
    zones: JSON.parse(row.zones) as string[],
    label: row.label,
    objectId: row.object_id,
    confidence: row.confidence,
    box: row.box ? (JSON.parse(row.box) as VigilEvent['box']) : null,
    data: JSON.parse(row.data) as Record<string, unknown>,
    correlationId: row.correlation_id,
    parentId: row.parent_id,
    severity: row.severity as Severity,
    fingerprint: row.fingerprint,
    incidentId: row.incident_id,
  };
}

/** The event as other systems see it (MQTT, webhooks, the web stream): snake_case, ISO time. */
export function eventToJson(event: VigilEvent, extra: { description?: string | null; tags?: string[] } = {}) {
  return {
    id: event.id,
    type: event.type,
    timestamp: new Date(event.timestamp).toISOString(),
    source: event.source,
    camera: event.camera,
    zones: event.zones,
    label: event.label,
    object_id: event.objectId,
    confidence: event.confidence,
    box: event.box,
    severity: event.severity,
    incident_id: event.incidentId,
    correlation_id: event.correlationId,
    parent_id: event.parentId,
    description: extra.description ?? null,
    tags: extra.tags ?? [],
    data: event.data,
  };
}
