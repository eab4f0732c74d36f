import { type Static, Type } from '@sinclair/typebox';
import { nullable } from '../../base/schema';
import { EVENT_TYPES, SEVERITIES, type VigilEvent } from './eventModel';

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/**
 * An event as other systems see it: the MQTT outbox and the batches synced to the central
 * server, webhooks, the central store. snake_case, the time in ISO 8601. The appliance writes it
 * with {@link eventToJson}; the central server checks every synced event against this schema.
 */
export const EventJsonSchema = Type.Object(
  {
    id: Text(128),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    timestamp: Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601 date-time' }),
    source: Text(64),
    camera: nullable(Text(64)),
    zones: Type.Array(Text(64), { maxItems: 32 }),
    label: nullable(Text(64)),
    object_id: nullable(Text(128)),
    confidence: nullable(Type.Number({ minimum: 0, maximum: 1 })),
    box: nullable(
      Type.Array(Type.Number({ minimum: 0, maximum: 1 }), {
        minItems: 4,
        maxItems: 4,
        description: '[x1, y1, x2, y2], fractions of the frame',
      }),
    ),
    severity: Type.Union(SEVERITIES.map((s) => Type.Literal(s))),
    incident_id: nullable(Text(128)),
    correlation_id: Text(128),
    parent_id: nullable(Text(128)),
    description: nullable(Type.String({ maxLength: 65_536 })),
    tags: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 }),
    data: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 128 }),
    clock_unsynced: Type.Optional(
      Type.Literal(true, {
        description:
          'Present when the appliance received the event before its clock was synchronised (NTP): its timestamp may be far off; order by seq.',
      }),
    ),
  },
  { additionalProperties: false, title: 'EventJson' },
);
export type EventJson = Static<typeof EventJsonSchema>;

/** The event as other systems see it; `description` and `tags` come from enrichment and the rules. */
export function eventToJson(
  event: VigilEvent,
  extra: { description?: string | null; tags?: string[] } = {},
): EventJson {
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
    ...(event.clockUnsynced ? { clock_unsynced: true as const } : {}),
  };
}
