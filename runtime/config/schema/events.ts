import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';
import { EnrichmentConfigSchema } from './enrichment';
import { WebhooksSchema } from './webhooks';

const WindowSeconds = Type.Number({ minimum: 0, maximum: 3600 });

/** How repeated reports of the same thing are folded into one stored event. */
const DedupSchema = strictObject(
  {
    enabled: Type.Boolean({
      default: true,
      description:
        'Fold same-state repeats (ids are always idempotent); a changed state is always a new event.',
    }),
    default_window_seconds: Type.Number({
      minimum: 0,
      maximum: 3600,
      default: 5,
      description: 'Window for types not listed in windows_seconds; 0 = off.',
    }),
    windows_seconds: Type.Record(Type.String({ minLength: 1 }), WindowSeconds, {
      default: {
        motion: 10,
        object_detected: 2,
        intrusion: 2,
        suspicious_activity: 2,
        abandoned_object: 10,
        face_known: 30,
        face_unknown: 30,
        face_blacklisted: 10,
        sensor: 2,
        camera_offline: 60,
        camera_online: 60,
        system: 0,
      },
      description:
        'Per event type: reports of the same state within this many seconds of the stored one are duplicates.',
    }),
    iou_threshold: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.85,
      description: 'Boxes overlapping at least this much are the same sighting.',
    }),
    max_tracked: Type.Integer({
      minimum: 100,
      maximum: 1_000_000,
      default: 20_000,
      description: 'Sightings remembered.',
    }),
  },
  { default: {}, description: 'Duplicate suppression.' },
);

const IncidentsSchema = strictObject(
  {
    idle_seconds: Type.Number({
      minimum: 1,
      maximum: 86_400,
      default: 30,
      description: 'Quiet time that ends an incident.',
    }),
    max_seconds: Type.Number({
      minimum: 10,
      maximum: 86_400,
      default: 600,
      description: 'Longest one incident lasts.',
    }),
  },
  { default: {}, description: 'How events are grouped into incidents.' },
);

/** The event processor: dedup, incidents, enrichment, routing. */
export const EventsSchema = strictObject(
  {
    dedup: DedupSchema,
    incidents: IncidentsSchema,
    workers: Type.Integer({
      minimum: 1,
      maximum: 64,
      default: 4,
      description:
        'Batches of events enriched and routed at once; each takes whatever is pending, up to 512 events.',
    }),
    enrichment: EnrichmentConfigSchema,
    webhooks: WebhooksSchema,
  },
  { default: {}, description: 'Event processing.' },
);
