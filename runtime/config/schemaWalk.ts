import { KindGuard, type TObject, type TRecord, type TSchema, type TUnion } from '@sinclair/typebox';
import { isPlainObject } from '../../base/pathIssue';

/** The key pattern and value schema of a record (TypeBox keeps them as one `patternProperties` entry). */
export function recordParts(schema: TRecord): { pattern: RegExp; source: string; value: TSchema } {
  const [source, value] = Object.entries(schema.patternProperties)[0] ?? ['^.*$', schema];
  return { pattern: new RegExp(source), source, value: value as TSchema };
}

/**
 * The property that tells the members of a union apart: present, required and a literal
 * in every member (`driver` for camera sources, `type` for detectors). Found from the
 * schema itself so there is no extra keyword for Ajv to reject.
 */
export function discriminatorOf(schema: TUnion): string | undefined {
  const members = schema.anyOf;
  const first = members[0];
  if (!first || !members.every((member) => KindGuard.IsObject(member))) return undefined;
  return Object.keys((first as TObject).properties).find((key) =>
    members.every((member) => {
      const object = member as TObject;
      return KindGuard.IsLiteral(object.properties[key]) && (object.required ?? []).includes(key);
    }),
  );
}

/** The literal values of the discriminator, one per union member, in schema order. */
export function discriminatorValues(schema: TUnion, key: string): string[] {
  return schema.anyOf.map((member) => String((member as TObject).properties[key]?.const));
}

/** The union member whose discriminator equals the value's, if the union has one and the value names one. */
export function variantFor(schema: TUnion, value: unknown): TObject | undefined {
  const key = discriminatorOf(schema);
  if (key === undefined || !isPlainObject(value)) return undefined;
  return schema.anyOf.find((member) => (member as TObject).properties[key]?.const === value[key]) as
    | TObject
    | undefined;
}
