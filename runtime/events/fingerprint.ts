import { hash } from 'node:crypto';

export interface FingerprintFields {
  type: string;
  camera: string | null;
  label: string | null;
  source: string;
  zones: readonly string[];
  /** The event's data as stored (its JSON, key order as sent). */
  dataJson: string;
}

/**
 * A stable hash of what an event says (not when): two reports of the same thing hash alike.
 * Boxes and timestamps are left out on purpose; zones count as a set. Data is hashed as sent: a
 * producer repeating itself sends the same JSON (sorting every key of every event would cost
 * more than the rest of the hash).
 */
export function fingerprint(fields: FingerprintFields): string {
  const zones = fields.zones.length > 1 ? [...fields.zones].sort() : fields.zones;
  const head = JSON.stringify([fields.type, fields.camera, fields.label, fields.source, zones]);
  return hash('sha1', head + fields.dataJson, 'base64url');
}
