import { type Static, Type } from '@sinclair/typebox';

/** Every kind of event Vigil knows. Producers send one; classification may refine it (person → intrusion). */
export const EVENT_TYPES = [
  'motion',
  'object_detected',
  'intrusion',
  'loitering',
  'suspicious_activity',
  'abandoned_object',
  'face_known',
  'face_unknown',
  'face_blacklisted',
  'sensor',
  'camera_offline',
  'camera_online',
  'system',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Ordered from least to most urgent. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const Unit = Type.Number({ minimum: 0, maximum: 1 });

/**
 * An event as a producer hands it in: the pipeline in-process, a GPIO input, or an external
 * system through `POST /api/v1/events`. One schema: validation, the HTTP body, OpenAPI, types.
 */
export const EventInputSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
        description:
          'Idempotency key: sending the same id again returns the first result and stores nothing new.',
      }),
    ),
    type: Type.Union(
      EVENT_TYPES.map((t) => Type.Literal(t)),
      { description: 'What happened.' },
    ),
    timestamp: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 10, maxLength: 40 })], {
        description: 'When it happened: epoch milliseconds or an ISO 8601 date-time; default: when received.',
      }),
    ),
    source: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Who reported it, e.g. pipeline, gpio:pir, api.',
      }),
    ),
    camera: Type.Optional({ ...Name, description: 'Camera name, as in the config.' }),
    zones: Type.Optional(
      Type.Array(Name, { maxItems: 32, description: 'Zones the object is in, each once.' }),
    ),
    label: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Object label (person, car…) or sensor name.',
      }),
    ),
    object_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'Tracker id: events of one object join one incident.',
      }),
    ),
    confidence: Type.Optional({ ...Unit, description: 'Detector score, 0..1.' }),
    box: Type.Optional(
      Type.Tuple([Unit, Unit, Unit, Unit], {
        description: 'Bounding box [x1, y1, x2, y2], normalised to 0..1 of the frame.',
      }),
    ),
    data: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        maxProperties: 64,
        description: 'Free-form details (face name, sensor state…); at most 16 KiB and 8 levels deep.',
      }),
    ),
    correlation_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    parent_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Event this one derives from.' }),
    ),
    severity: Type.Optional(
      Type.Union(
        SEVERITIES.map((s) => Type.Literal(s)),
        { description: 'Force a severity instead of the scored one.' },
      ),
    ),
  },
  { additionalProperties: false, title: 'EventInput' },
);
export type EventInput = Static<typeof EventInputSchema>;

/** An event after validation and classification: what is stored, routed and shown. */
export interface VigilEvent {
  id: string;
  type: EventType;
  /** Epoch ms when it happened. */
  timestamp: number;
  /** Epoch ms when Vigil received it. */
  receivedAt: number;
  source: string;
  camera: string | null;
  zones: string[];
  label: string | null;
  objectId: string | null;
  confidence: number | null;
  box: [number, number, number, number] | null;
  data: Record<string, unknown>;
  correlationId: string;
  parentId: string | null;
  severity: Severity;
  /** Stable hash of what the event says, for duplicate detection. */
  fingerprint: string;
  incidentId: string | null;
  /** Received before the appliance's clock was synchronised (NTP): its stamps may be far off. */
  clockUnsynced?: true;
}
