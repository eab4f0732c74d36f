import { type Static, Type } from '@sinclair/typebox';
import { nullable } from '../../base/schema';
import type { Severity, VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';

/**
 * The `events` table: the one list of its columns, as the API shows a row (`GET /api/v1/events`).
 * The stored row type, the view, the mapping between them and the columns an insert writes are
 * all derived from it, so adding a column is a line here (and a migration; see
 * store/migrations/m002Events.ts).
 */
const EventViewSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  /** When it happened, epoch ms. */
  timestamp: Type.Integer(),
  /** When Vigil received it, epoch ms. */
  received_at: Type.Integer(),
  source: Type.String(),
  camera: nullable(Type.String()),
  label: nullable(Type.String()),
  object_id: nullable(Type.String()),
  confidence: nullable(Type.Number()),
  /** JSON: [x1, y1, x2, y2], fractions of the frame. */
  box: nullable(Type.Array(Type.Number())),
  /** JSON. */
  zones: Type.Array(Type.String()),
  /** JSON. */
  data: Type.Record(Type.String(), Type.Unknown()),
  correlation_id: Type.String(),
  parent_id: nullable(Type.String()),
  severity: Type.String(),
  fingerprint: Type.String(),
  incident_id: nullable(Type.String()),
  /** persisted → enriched → routed (or filtered, dead_lettered). */
  state: Type.String(),
  /** Repeats folded into this event. */
  duplicates: Type.Integer(),
  last_duplicate_at: nullable(Type.Integer()),
  description: nullable(Type.String()),
  /** JSON. */
  tags: Type.Array(Type.String()),
  /** 1 when received before the appliance's clock was synchronised (NTP): its times may be far off. */
  clock_unsynced: Type.Integer({ minimum: 0, maximum: 1 }),
  /** JSON: the rules' decision, once routed. */
  decision: nullable(Type.Unsafe<Decision>(Type.Object({}, { additionalProperties: true }))),
});

/** An event as `GET /api/v1/events` lists it. */
export type EventView = Static<typeof EventViewSchema>;

/** The columns stored as JSON text; the others are shown as stored. */
const JSON_COLUMNS = ['box', 'zones', 'data', 'tags', 'decision'] as const;
type JsonColumn = (typeof JSON_COLUMNS)[number];

/** A row of `events` as SQLite returns it: the JSON columns still text. */
export type EventRow = {
  [K in keyof EventView]: K extends JsonColumn
    ? null extends EventView[K]
      ? string | null
      : string
    : EventView[K];
};

/** Stored JSON text → value. Text that is not JSON is returned as is, so one bad row cannot fail a listing. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (e.g. a plain decision word): show the stored text rather than hide the row.
    return text;
  }
}

export function toEventView(row: EventRow): EventView {
  const view = { ...row } as Record<string, unknown>;
  for (const column of JSON_COLUMNS) view[column] = parseJson(row[column]);
  return view as EventView;
}

/**
 * The columns a new event is inserted with, in the statement's order (the rest keep their
 * defaults until routing fills them).
 */
export const EVENT_INSERT_COLUMNS = [
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
  'clock_unsynced',
] as const satisfies ReadonlyArray<keyof EventRow>;

/**
 * The values of {@link EVENT_INSERT_COLUMNS}, in order: an array rather than an object, because
 * every event crosses to the writer thread and an array carries no key names.
 */
export type EventRowValues = ValuesOf<typeof EVENT_INSERT_COLUMNS>;
type ValuesOf<Columns extends ReadonlyArray<keyof EventRow>> = {
  -readonly [I in keyof Columns]: EventRow[Columns[I]];
};

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
    event.clockUnsynced ? 1 : 0,
  ];
}

/** The event a stored row holds, for routing it (again). */
export function eventFromRow(row: EventRow): VigilEvent {
  return {
    id: row.id,
    type: row.type as VigilEvent['type'],
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
    ...(row.clock_unsynced === 1 ? { clockUnsynced: true as const } : {}),
  };
}

/** What only the stored row knows about a processed event; see {@link eventViewOf}. */
export type StoredEventFields = Pick<EventView, 'state' | 'description' | 'duplicates' | 'last_duplicate_at'>;

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
    clock_unsynced: event.clockUnsynced ? 1 : 0,
    state: stored.state,
    duplicates: stored.duplicates,
    last_duplicate_at: stored.last_duplicate_at,
    description: stored.description,
    tags: decision.tags,
    decision,
  };
}
