import {
  type ObjectOptions,
  type SchemaOptions,
  type TLiteral,
  type TNull,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/** Names of map entries users choose themselves (cameras, zones, gpio lines, detectors). */
export const NAME_PATTERN = '^[a-z0-9_-]+$';

/**
 * An object that rejects unknown keys, so a typo in the YAML is an error instead of a
 * silently ignored setting.
 */
export function strictObject<T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * A closed set of strings. Built as a union of literals (not `Type.Unsafe` with `enum`)
 * so TypeBox's own Value functions can check it; JSON Schema consumers still see plain `const`s.
 */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as TUnion<TLiteral<T[number]>[]>;
}

/**
 * Options marking a value as secret: `writeOnly` is the standard JSON Schema / OpenAPI
 * annotation for "accepted on input, never shown on output", and Ajv knows it, so it
 * does not break fastify's strict schema compilation the way a custom keyword would.
 */
export const SECRET = { writeOnly: true } as const;

/**
 * A closed set of strings for HTTP and MQTT schemas, as a JSON Schema `enum`, so a bad value's
 * 400 says "must be equal to one of the allowed values" and names the field. Config schemas use
 * {@link literalUnion} instead: the config loader checks with TypeBox's own Value functions,
 * which cannot check an `Unsafe` schema.
 */
export function stringEnum<const T extends readonly string[]>(values: T, description: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

/** `schema` or null, e.g. a column that may be empty. */
export function nullable<T extends TSchema>(schema: T): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()]);
}
