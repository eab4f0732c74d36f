import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { expected } from './describe';
import { discriminatorOf } from './schemaWalk';

/** An env value turned into the type its setting needs, or why that failed. */
export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false };

/**
 * Converts the text of an env variable to the type of the setting it targets. A value
 * that does not convert is passed through as text, so validation reports it with the
 * same message a bad YAML value gets; only unparsable JSON is an error here.
 */
export function coerceEnvValue(schema: TSchema, text: string): Coerced {
  const literal = KindGuard.IsLiteral(schema) ? schema.const : undefined;
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema) || typeof literal === 'number') {
    return { ok: true, value: NUMBER.test(text.trim()) ? Number(text) : text };
  }
  if (KindGuard.IsBoolean(schema) || typeof literal === 'boolean') {
    return { ok: true, value: BOOLEANS[text.trim().toLowerCase()] ?? text };
  }
  if (KindGuard.IsNull(schema)) return { ok: true, value: text.trim() === 'null' ? null : text };
  if (typeof literal === 'string') return { ok: true, value: text };
  if (KindGuard.IsUnion(schema) && discriminatorOf(schema) === undefined) {
    // Keep a typed conversion even when no member accepts it, so VIGIL_MQTT_QOS=7 reports 7, not '7'.
    let fallback: unknown = text;
    for (const member of schema.anyOf) {
      const coerced = coerceEnvValue(member, text);
      if (coerced.ok && Value.Check(member, coerced.value)) return coerced;
      if (coerced.ok && fallback === text && typeof coerced.value !== 'string') fallback = coerced.value;
    }
    return { ok: true, value: fallback };
  }
  if (KindGuard.IsArray(schema) && KindGuard.IsString(schema.items) && !text.trim().startsWith('[')) {
    // A comma list is friendlier than JSON for the common case, e.g. VIGIL_…_TRACK=person,car.
    return {
      ok: true,
      value: text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    };
  }
  if (KindGuard.IsString(schema)) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      message: `must be ${expected(schema)} written as JSON (${(error as Error).message})`,
    };
  }
}
