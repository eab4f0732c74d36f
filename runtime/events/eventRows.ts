import type { EventType, Severity, VigilEvent } from '../domain/eventModel';
import type { OpenIncident } from './incidentAggregator';

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

/**
 * The `events` columns of a new event in the insert statement's order: an array rather than an
 * object, because every event crosses to the writer thread and an array carries no key names.
 */
export type EventRowValues = [
  id: string,
  type: string,
  timestamp: number,
  receivedAt: number,
  source: string,
  camera: string | null,
  label: string | null,
  objectId: string | null,
  confidence: number | null,
  box: string | null,
  zones: string,
  data: string,
  correlationId: string,
  parentId: string | null,
  severity: string,
  fingerprint: string,
  incidentId: string | null,
];

/** The columns of EventRowValues, in order. */
export const EVENT_ROW_COLUMNS = [
  'id',
  'type',
  'timestamp',
  'received_at',
  'source',
  'camera',
  'label',
  'object_id',
  'confidence',
  'box',
  'zones',
  'data',
  'correlation_id',
  'parent_id',
  'severity',
  'fingerprint',
  'incident_id',
] as const;

/** The row of a new event; `dataJson` when its data was serialised already (validation measures it). */
export function eventRowOf(event: VigilEvent, dataJson = JSON.stringify(event.data)): EventRowValues {
  return [
    event.id,
    event.type,
    event.timestamp,
    event.receivedAt,
    event.source,
    event.camera,
    event.label,
    event.objectId,
    event.confidence,
    event.box ? JSON.stringify(event.box) : null,
    JSON.stringify(event.zones),
    dataJson,
    event.correlationId,
    event.parentId,
    event.severity,
    event.fingerprint,
    event.incidentId,
  ];
}

/** The `incidents` columns an open incident writes. */
export interface IncidentRowValues {
  id: string;
  key: string;
  camera: string | null;
  label: string | null;
  objectId: string | null;
  type: string;
  severity: string;
  state: string;
  startedAt: number;
  lastSeenAt: number;
  eventCount: number;
  maxConfidence: number | null;
  zones: string;
}

export function incidentRowOf(incident: OpenIncident): IncidentRowValues {
  return {
    id: incident.id,
    key: incident.key,
    camera: incident.camera,
    label: incident.label,
    objectId: incident.objectId,
    type: incident.type,
    severity: incident.severity,
    state: incident.state,
    startedAt: incident.startedAt,
    lastSeenAt: incident.lastSeenAt,
    eventCount: incident.eventCount,
    maxConfidence: incident.maxConfidence,
    zones: JSON.stringify([...incident.zones]),
  };
}
