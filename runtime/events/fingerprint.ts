import { hash } from 'node:crypto';

export interface FingerprintFields {
  type: string;
  camera: string | null;
  label: string | null;
  source: string;
  zones: readonly string[];
  data: Record<string, unknown>;
}

/**
 * A stable hash of what an event says (not when): two reports of the same thing hash alike,
 * whatever the key order of their data. Boxes and timestamps are left out on purpose.
 */
export function fingerprint(fields: FingerprintFields): string {
  const zones = fields.zones.length > 1 ? [...fields.zones].sort() : fields.zones;
  const head = JSON.stringify([fields.type, fields.camera, fields.label, fields.source, zones]);
  return hash('sha1', head + canonicalJson(fields.data), 'base64url');
}

/** JSON with object keys in sorted order, so key order does not change the hash. */
function canonicalJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i > 0 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${out}}`;
}
