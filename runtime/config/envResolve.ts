import { KindGuard, type TSchema } from '@sinclair/typebox';
import { isPlainObject } from '../../base/pathIssue';
import { discriminatorOf, recordParts, variantFor } from './schemaWalk';

/** The setting an env variable names: its path and its schema. */
export interface EnvTarget {
  path: string[];
  schema: TSchema;
}

function envWords(key: string): string[] {
  return key.toUpperCase().replaceAll('-', '_').split('_');
}

// Longest names first, so HTTP_BODY_LIMIT_KB reaches body_limit_kb before a shorter key could claim BODY.
function byWordsDescending(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => envWords(b).length - envWords(a).length);
}

function startsWith(tokens: readonly string[], words: readonly string[]): boolean {
  return words.length <= tokens.length && words.every((word, index) => tokens[index] === word);
}

function isContainer(schema: TSchema): boolean {
  return (
    KindGuard.IsObject(schema) ||
    KindGuard.IsRecord(schema) ||
    (KindGuard.IsUnion(schema) && discriminatorOf(schema) !== undefined)
  );
}

/** Keys a record has in the document, plus those of its schema default (e.g. detectors.default). */
function recordKeys(schema: TSchema, value: unknown): string[] {
  const fromValue = isPlainObject(value) ? Object.keys(value) : [];
  const fromDefault = isPlainObject(schema.default) ? Object.keys(schema.default) : [];
  return [...fromValue, ...fromDefault];
}

/** Members of a union worth trying: the one the document names, else all of them. */
function unionMembers(schema: TSchema, value: unknown): TSchema[] {
  if (!KindGuard.IsUnion(schema)) return [];
  const chosen = variantFor(schema, value);
  return chosen ? [chosen] : schema.anyOf;
}

/**
 * Finds the setting named by the upper-case words of an env variable (after `VIGIL_`).
 * Words are matched against the schema's property names, longest first, backtracking
 * when a choice leads nowhere: underscores inside key names make a name like
 * MQTT_TOPIC_PREFIX ambiguous until the schema says which split exists. Record entries
 * (cameras, gpio, detectors) match keys that exist in the document.
 */
export function resolveEnvName(
  schema: TSchema,
  tokens: readonly string[],
  value: unknown,
  path: string[] = [],
): EnvTarget | undefined {
  if (tokens.length === 0) return { path, schema };
  const child = (key: string) => (isPlainObject(value) ? value[key] : undefined);
  if (KindGuard.IsObject(schema)) {
    for (const key of byWordsDescending(Object.keys(schema.properties))) {
      const property = schema.properties[key];
      const words = envWords(key);
      if (property === undefined || !startsWith(tokens, words)) continue;
      const found = resolveEnvName(property, tokens.slice(words.length), child(key), [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  if (KindGuard.IsRecord(schema)) {
    const { pattern, value: entry } = recordParts(schema);
    for (const key of byWordsDescending(recordKeys(schema, value))) {
      const words = envWords(key);
      if (!startsWith(tokens, words)) continue;
      const found = resolveEnvName(entry, tokens.slice(words.length), child(key), [...path, key]);
      if (found) return found;
    }
    // A new entry can only be named when nothing follows it, e.g. VIGIL_LOG_MODULES_STORE=debug.
    const key = tokens.join('_').toLowerCase();
    return isContainer(entry) || !pattern.test(key) ? undefined : { path: [...path, key], schema: entry };
  }
  for (const member of unionMembers(schema, value)) {
    const found = resolveEnvName(member, tokens, value, path);
    if (found) return found;
  }
  return undefined;
}

/** Every env variable name the schema and document allow, without `VIGIL_`, for did-you-mean suggestions. */
export function envNames(schema: TSchema, value: unknown, prefix = ''): string[] {
  const names: string[] = [];
  const child = (key: string) => (isPlainObject(value) ? value[key] : undefined);
  if (KindGuard.IsObject(schema)) {
    for (const [key, property] of Object.entries(schema.properties)) {
      const name = [prefix, ...envWords(key)].filter((word) => word !== '').join('_');
      names.push(name, ...envNames(property, child(key), name));
    }
  } else if (KindGuard.IsRecord(schema)) {
    const { value: entry } = recordParts(schema);
    for (const key of new Set(recordKeys(schema, value))) {
      const name = [prefix, ...envWords(key)].filter((word) => word !== '').join('_');
      names.push(name, ...envNames(entry, child(key), name));
    }
  } else {
    for (const member of unionMembers(schema, value)) names.push(...envNames(member, value, prefix));
  }
  return names;
}
