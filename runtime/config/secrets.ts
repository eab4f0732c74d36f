import { KindGuard, type TSchema } from '@sinclair/typebox';
import { isPlainObject } from '../../base/pathIssue';
import { redactUrlsInText } from '../../base/redact';
import { ConfigSchema } from './schema/index';
import { recordParts, variantFor } from './schemaWalk';

/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

function isSecret(schema: TSchema): boolean {
  return schema.writeOnly === true;
}

/**
 * Dotted paths of the settings marked secret (`writeOnly` in the schema), `*` standing
 * for any record key, e.g. `['mqtt.password', 'mqtt.tls.key', 'http.auth.token']`.
 */
export function secretPaths(schema: TSchema = ConfigSchema, prefix = ''): string[] {
  const join = (key: string) => (prefix === '' ? key : `${prefix}.${key}`);
  if (isSecret(schema)) return [prefix];
  if (KindGuard.IsObject(schema)) {
    return Object.entries(schema.properties).flatMap(([key, property]) => secretPaths(property, join(key)));
  }
  if (KindGuard.IsRecord(schema)) return secretPaths(recordParts(schema).value, join('*'));
  if (KindGuard.IsArray(schema)) return secretPaths(schema.items, `${prefix}[]`);
  if (KindGuard.IsUnion(schema))
    return [...new Set(schema.anyOf.flatMap((member) => secretPaths(member, prefix)))];
  return [];
}

/**
 * A deep copy of `value` with every secret setting replaced by {@link REDACTED}, and every URL
 * in any other string (camera streams and file paths, the broker, webhooks) passed through the
 * one URL redaction (base/redact.ts: userinfo, secret query parameters), for logs, the API and
 * support dumps. Unset secrets stay unset, so the copy still shows whether one is configured.
 */
export function redactSecrets<T>(value: T, schema: TSchema = ConfigSchema): T {
  return redact(schema, value) as T;
}

function redact(schema: TSchema | undefined, value: unknown): unknown {
  if (schema !== undefined && isSecret(schema) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === 'string') return redactUrlsInText(value);
  if (Array.isArray(value)) {
    const items = schema !== undefined && KindGuard.IsArray(schema) ? schema.items : undefined;
    return value.map((item) => redact(items, item));
  }
  if (!isPlainObject(value)) return value;
  const chosen = schema !== undefined && KindGuard.IsUnion(schema) ? variantFor(schema, value) : schema;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    let childSchema: TSchema | undefined;
    if (chosen !== undefined && KindGuard.IsObject(chosen)) childSchema = chosen.properties[key];
    else if (chosen !== undefined && KindGuard.IsRecord(chosen)) childSchema = recordParts(chosen).value;
    out[key] = redact(childSchema, child);
  }
  return out;
}
