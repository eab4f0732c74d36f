import { createHash } from 'node:crypto';

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
  const head = JSON.stringify([
    fields.type,
    fields.camera,
    fields.label,
    fields.source,
    [...fields.zones].sort(),
  ]);
  return createHash('sha1').update(head).update(canonicalJson(fields.data)).digest('base64url');
}

/** JSON with object keys in sorted order, so key order does not change the hash. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}
