import { KindGuard, type TSchema } from '@sinclair/typebox';
import { closest } from '../../base/closest';
import { PATTERN_HINTS } from './patternHints';

function quote(text: string): string {
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

/** A short rendering of a value for "(got …)". */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

function literalText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function range(kind: string, schema: TSchema): string {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema as Record<
    string,
    number | undefined
  >;
  if (minimum !== undefined && maximum !== undefined) return `${kind} between ${minimum} and ${maximum}`;
  const bounds: string[] = [];
  if (minimum !== undefined) bounds.push(`at least ${minimum}`);
  if (exclusiveMinimum !== undefined) bounds.push(`greater than ${exclusiveMinimum}`);
  if (maximum !== undefined) bounds.push(`at most ${maximum}`);
  if (exclusiveMaximum !== undefined) bounds.push(`less than ${exclusiveMaximum}`);
  return bounds.length === 0 ? kind : `${kind} that is ${bounds.join(' and ')}`;
}

function stringShape(schema: TSchema): string {
  const pattern = schema.pattern as string | undefined;
  if (pattern !== undefined) return PATTERN_HINTS[pattern] ?? `a string matching /${pattern}/`;
  return (schema.minLength as number | undefined) ? 'a non-empty string' : 'a string';
}

/** What a value of `schema` has to look like, as a phrase that follows "must be". */
export function expected(schema: TSchema): string {
  if (KindGuard.IsLiteral(schema)) return literalText(schema.const);
  if (KindGuard.IsUnion(schema)) {
    if (schema.anyOf.every((member) => KindGuard.IsLiteral(member))) {
      return `one of ${schema.anyOf.map((member) => literalText(member.const)).join(', ')}`;
    }
    return schema.anyOf.map(expected).join(' or ');
  }
  if (KindGuard.IsInteger(schema)) return range('an integer', schema);
  if (KindGuard.IsNumber(schema)) return range('a number', schema);
  if (KindGuard.IsString(schema)) return stringShape(schema);
  if (KindGuard.IsBoolean(schema)) return 'true or false';
  if (KindGuard.IsNull(schema)) return 'null';
  if (KindGuard.IsTuple(schema)) return `a list of exactly ${schema.items?.length ?? 0} values`;
  if (KindGuard.IsArray(schema)) return 'a list';
  if (KindGuard.IsObject(schema) || KindGuard.IsRecord(schema)) return 'a mapping of keys to values';
  return 'a valid value';
}

/** `must be … (got …)`, with a did-you-mean when the value is a near miss of an allowed word. */
export function mismatch(schema: TSchema, value: unknown): string {
  let message = `must be ${expected(schema)} (got ${showValue(value)})`;
  if (typeof value === 'string' && KindGuard.IsUnion(schema)) {
    const words = schema.anyOf
      .filter((member) => KindGuard.IsLiteral(member) && typeof member.const === 'string')
      .map((member) => String(member.const));
    const suggestion = closest(value, words);
    if (suggestion !== undefined) message += ` — did you mean '${suggestion}'?`;
  }
  return message;
}

/** `unknown key 'detcet' — did you mean 'detect'?`, or the list of valid keys when nothing is close. */
export function unknownKey(key: string, valid: readonly string[]): string {
  const suggestion = closest(key, valid);
  if (suggestion !== undefined) return `unknown key '${key}' — did you mean '${suggestion}'?`;
  return `unknown key '${key}' — valid keys: ${valid.join(', ')}`;
}

/** `unknown driver 'rtspx' — valid: ffmpeg, file, libcamera, sim` (with a did-you-mean when close). */
export function unknownChoice(what: string, value: unknown, valid: readonly string[]): string {
  const shown = typeof value === 'string' ? quote(value) : showValue(value);
  const suggestion = typeof value === 'string' ? closest(value, valid) : undefined;
  const hint = suggestion === undefined ? '' : ` — did you mean '${suggestion}'?`;
  return `unknown ${what} ${shown}${hint} — valid: ${valid.join(', ')}`;
}
