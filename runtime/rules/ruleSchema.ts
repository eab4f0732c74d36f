import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../base/schema';
import { SEVERITIES } from '../domain/eventModel';

/**
 * The rule language as users write it under `alarm.rules`: conditions on an event and what to do
 * when they hold. The rules area owns it (checks in ruleIssues, evaluation in compileRules); the
 * config schema embeds it.
 */

/** Comparison operators a rule condition can use. */
const CONDITION_OPS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'regex',
  'in',
  'range',
  'exists',
] as const;
/** One comparison operator. */
export type ConditionOp = (typeof CONDITION_OPS)[number];

const ScalarSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

const ConditionSchema = strictObject(
  {
    field: Type.String({
      minLength: 1,
      description:
        'What to test: type, camera, zones, label, confidence, severity, source, tags, data.<key>…, ' +
        'mode (the alarm mode) or hour (local hour, 0-23).',
    }),
    op: literalUnion(CONDITION_OPS, {
      description:
        'eq, neq, gt, gte, lt, lte, contains, regex, in (value: a list), range (value: [min, max]), exists.',
    }),
    value: Type.Optional(
      Type.Union([ScalarSchema, Type.Array(ScalarSchema)], {
        description: 'What to compare with; a list for in and range; true/false (default true) for exists.',
      }),
    ),
  },
  { description: 'One test on the event, e.g. { field: type, op: eq, value: face_blacklisted }.' },
);

// Flat on purpose: `all`/`any`/`none` lists of plain conditions validate with precise
// per-item errors, which a recursive and/or/not union would turn into one opaque mismatch.
const WhenSchema = strictObject(
  {
    all: Type.Optional(Type.Array(ConditionSchema, { description: 'Every one of these must hold.' })),
    any: Type.Optional(Type.Array(ConditionSchema, { description: 'At least one of these must hold.' })),
    none: Type.Optional(Type.Array(ConditionSchema, { description: 'None of these may hold.' })),
  },
  { description: 'When the rule matches; all given groups must agree. {} matches every event.' },
);

const ThenSchema = strictObject(
  {
    action: Type.Optional(
      literalUnion(['allow', 'block'], {
        description: 'block drops the event from routing; allow lifts an earlier block. Default: no change.',
      }),
    ),
    severity: Type.Optional(
      literalUnion(SEVERITIES, { description: 'Raise the severity to at least this; never lowers it.' }),
    ),
    force_severity: Type.Optional(
      literalUnion(SEVERITIES, { description: 'Set the severity to exactly this, even lower.' }),
    ),
    route: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Channels: web, mqtt, clip, webhook:<name>, gpio:<output>.',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { description: 'Tags added to the event.' }),
    ),
    set: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Unknown(), {
        description: 'Event data fields to set; later rules see them as data.<key>.',
      }),
    ),
  },
  { description: 'What to do when the rule matches.' },
);

export const RuleSchema = strictObject(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Unique name, shown in the audit trail; a default rule of the same name is replaced.',
    }),
    description: Type.Optional(Type.String({ description: 'Why the rule exists.' })),
    enabled: Type.Boolean({ default: true, description: 'false keeps the rule but never applies it.' }),
    after: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Rules this one is evaluated after.' }),
    ),
    modes: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Alarm modes in which the rule applies; default: all.',
      }),
    ),
    when: WhenSchema,
    // biome-ignore lint/suspicious/noThenProperty: `when`/`then` are the rule keys users write; a schema is never awaited.
    then: ThenSchema,
    stop: Type.Boolean({ default: false, description: 'Evaluate no further rules when this one matches.' }),
  },
  { description: 'What to do when an event matches.' },
);

/** One alarm rule. */
export type AlarmRuleConfig = Static<typeof RuleSchema>;
/** A rule's `when`: groups of conditions. */
export type RuleWhenConfig = Static<typeof WhenSchema>;
/** A rule's `then`: its actions. */
export type RuleThenConfig = Static<typeof ThenSchema>;
/** One condition of a rule. */
export type RuleConditionConfig = Static<typeof ConditionSchema>;
