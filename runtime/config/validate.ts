import {
  KindGuard,
  type TArray,
  type TObject,
  type TRecord,
  type TSchema,
  type TTuple,
  type TUnion,
} from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isPlainObject, type PathIssue, type PathSegment } from '../../base/pathIssue';
import { mismatch, showValue, unknownChoice, unknownKey } from './describe';
import { PATTERN_HINTS } from './patternHints';
import { discriminatorOf, discriminatorValues, recordParts } from './schemaWalk';

/**
 * Checks `value` against `schema` and returns one issue per problem, all of them.
 *
 * Containers (objects, records, arrays, tuples, discriminated unions) are walked here so
 * that each problem is reported once, at its own path, in words: a missing key, an
 * unknown key with the nearest valid one, an unknown `driver`. Leaves are checked with
 * TypeBox's `Value.Check` and described from their schema. TypeBox's `Value.Errors`
 * would instead report a discriminated union as one opaque error, and only the first
 * bad key of a record.
 */
export function validate(schema: TSchema, value: unknown, path: PathSegment[] = []): PathIssue[] {
  const issues: PathIssue[] = [];
  visit(schema, value, path, issues);
  return issues;
}

function visit(schema: TSchema, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  if (KindGuard.IsObject(schema)) visitObject(schema, value, path, issues);
  else if (KindGuard.IsRecord(schema)) visitRecord(schema, value, path, issues);
  else if (KindGuard.IsArray(schema)) visitArray(schema, value, path, issues);
  else if (KindGuard.IsTuple(schema)) visitTuple(schema, value, path, issues);
  else if (KindGuard.IsUnion(schema) && discriminatorOf(schema) !== undefined)
    visitUnion(schema, value, path, issues);
  else if (!Value.Check(schema, value)) issues.push({ path, message: mismatch(schema, value) });
}

function visitObject(schema: TObject, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({ path, message: mismatch(schema, value) });
    return;
  }
  const known = Object.keys(schema.properties);
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) issues.push({ path, message: `missing required key '${key}'` });
  }
  for (const [key, child] of Object.entries(value)) {
    const property = schema.properties[key];
    if (property === undefined) issues.push({ path: [...path, key], message: unknownKey(key, known) });
    else if (child !== undefined) visit(property, child, [...path, key], issues);
  }
}

function visitRecord(schema: TRecord, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({ path, message: mismatch(schema, value) });
    return;
  }
  const { pattern, source, value: entrySchema } = recordParts(schema);
  for (const [key, child] of Object.entries(value)) {
    if (pattern.test(key)) visit(entrySchema, child, [...path, key], issues);
    else {
      const rule = PATTERN_HINTS[source] ?? `names matching /${source}/`;
      issues.push({ path: [...path, key], message: `invalid name '${key}' — use ${rule}` });
    }
  }
}

function visitArray(schema: TArray, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  if (!Array.isArray(value)) {
    issues.push({ path, message: mismatch(schema, value) });
    return;
  }
  const { minItems, maxItems } = schema;
  if (minItems !== undefined && value.length < minItems) {
    issues.push({ path, message: `must have at least ${minItems} item(s) (got ${value.length})` });
  }
  if (maxItems !== undefined && value.length > maxItems) {
    issues.push({ path, message: `must have at most ${maxItems} item(s) (got ${value.length})` });
  }
  for (const [index, item] of value.entries()) visit(schema.items, item, [...path, index], issues);
}

function visitTuple(schema: TTuple, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  const items = schema.items ?? [];
  if (!Array.isArray(value) || value.length !== items.length) {
    issues.push({ path, message: mismatch(schema, value) });
    return;
  }
  for (const [index, item] of value.entries()) {
    const itemSchema = items[index];
    if (itemSchema !== undefined) visit(itemSchema, item, [...path, index], issues);
  }
}

function visitUnion(schema: TUnion, value: unknown, path: PathSegment[], issues: PathIssue[]): void {
  const key = discriminatorOf(schema) ?? '';
  const choices = discriminatorValues(schema, key);
  if (!isPlainObject(value)) {
    issues.push({
      path,
      message: `must be a mapping with '${key}' (one of ${choices.join(', ')}) (got ${showValue(value)})`,
    });
    return;
  }
  if (value[key] === undefined) {
    issues.push({ path, message: `missing required key '${key}' (one of ${choices.join(', ')})` });
    return;
  }
  const variant = schema.anyOf.find((member) => (member as TObject).properties[key]?.const === value[key]);
  if (variant === undefined) {
    issues.push({ path: [...path, key], message: unknownChoice(key, value[key], choices) });
    return;
  }
  visit(variant, value, path, issues);
}
