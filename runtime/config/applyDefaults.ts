import { KindGuard, type TSchema } from '@sinclair/typebox';
import { isPlainObject } from '../../base/pathIssue';
import { recordParts, variantFor } from './schemaWalk';

/**
 * Fills in schema defaults everywhere, in place, and returns the (possibly new) value.
 *
 * Not `Value.Default`: it only fills a union member's defaults when the member already
 * validates as a whole, so a camera source with one mistake would also lose its defaults
 * and report every defaulted key as missing. Here a union member is picked by its
 * discriminator instead. Absent objects whose schema default is `{}` are created and
 * then filled, which is how an absent `http` becomes `{ port: 8080, … }`.
 */
export function applyDefaults(schema: TSchema, value: unknown): unknown {
  const current =
    isAbsent(schema, value) && schema.default !== undefined ? structuredClone(schema.default) : value;
  if (KindGuard.IsObject(schema) && isPlainObject(current)) {
    for (const [key, property] of Object.entries(schema.properties)) {
      const filled = applyDefaults(property, current[key]);
      if (filled !== undefined) current[key] = filled;
    }
  } else if (KindGuard.IsRecord(schema) && isPlainObject(current)) {
    const { pattern, value: entrySchema } = recordParts(schema);
    for (const key of Object.keys(current)) {
      if (pattern.test(key)) current[key] = applyDefaults(entrySchema, current[key]);
    }
  } else if (KindGuard.IsArray(schema) && Array.isArray(current)) {
    for (const [index, item] of current.entries()) current[index] = applyDefaults(schema.items, item);
  } else if (KindGuard.IsUnion(schema)) {
    const variant = variantFor(schema, current);
    if (variant) return applyDefaults(variant, current);
  }
  return current;
}

/**
 * Undefined, or null where a mapping or list is expected: YAML reads `cameras:` with
 * every entry commented out as null, and that means "none", not a type error.
 */
function isAbsent(schema: TSchema, value: unknown): boolean {
  if (value === undefined) return true;
  return (
    value === null && (KindGuard.IsObject(schema) || KindGuard.IsRecord(schema) || KindGuard.IsArray(schema))
  );
}
