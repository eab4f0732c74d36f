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
  const canonical = JSON.stringify([
    fields.type,
    fields.camera,
    fields.label,
    fields.source,
    [...fields.zones].sort(),
    sortKeys(fields.data),
  ]);
  return createHash('sha1').update(canonical).digest('base64url');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
