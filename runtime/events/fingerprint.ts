import { hash } from 'node:crypto';

export interface FingerprintFields {
  type: string;
  camera: string | null;
  label: string | null;
  source: string;
  objectId: string | null;
  zones: readonly string[];
  data: Readonly<Record<string, unknown>>;
  /** The event's data as stored (its JSON, key order as sent). */
  dataJson: string;
}

/**
 * Keys of `data` that measure how a thing was seen rather than what state it is in: the
 * pipeline's scores, motion area and regions, the face's person box, the latest snapshot. Two
 * reports that differ only in these are the same state (a person still standing there); every
 * other key of `data` is part of the state.
 */
const MEASUREMENT_KEYS = ['top_score', 'face_score', 'person_box', 'area', 'regions', 'snapshot'] as const;

/**
 * A stable hash of the state an event reports (not when, nor how well it was seen): two reports
 * hash alike only when they say the same thing. The state is the type, camera, label, object,
 * source, the set of zones, and `data` without its MEASUREMENT_KEYS — so a sensor going from
 * active to inactive, a face whose identity changes, another label or zone set all hash apart.
 * Boxes, confidence and timestamps are left out (the deduplicator compares boxes itself). Data is
 * hashed as sent: a producer repeating itself sends the same JSON (sorting every key of every
 * event would cost more than the rest of the hash).
 */
export function fingerprint(fields: FingerprintFields): string {
  const zones = fields.zones.length > 1 ? [...fields.zones].sort() : fields.zones;
  const head = JSON.stringify([
    fields.type,
    fields.camera,
    fields.label,
    fields.source,
    fields.objectId,
    zones,
  ]);
  return hash('sha1', head + stateJson(fields.data, fields.dataJson), 'base64url');
}

/** `data` without its measurements, as JSON; the stored JSON itself when it has none (the usual case). */
function stateJson(data: Readonly<Record<string, unknown>>, dataJson: string): string {
  if (!MEASUREMENT_KEYS.some((key) => Object.hasOwn(data, key))) return dataJson;
  const state: Record<string, unknown> = {};
  for (const key of Object.keys(data))
    if (!(MEASUREMENT_KEYS as readonly string[]).includes(key)) state[key] = data[key];
  return JSON.stringify(state);
}
