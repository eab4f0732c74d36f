import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from './common';

const ScheduleSchema = strictObject(
  {
    cron: Type.String({
      minLength: 1,
      description: 'When to switch: 5 cron fields, or 6 with seconds first.',
    }),
    mode: Type.String({ minLength: 1, description: 'Mode to switch to; one of alarm.modes.' }),
  },
  { description: 'Switch the alarm mode at a time.' },
);

// Rules are only shaped loosely here; the rules engine issue defines `when` and `then`.
const RuleSchema = strictObject(
  {
    name: Type.String({ minLength: 1, description: 'Name shown in the audit trail.' }),
    when: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Conditions on the event and the alarm mode.',
    }),
    // biome-ignore lint/suspicious/noThenProperty: `when`/`then` are the rule keys users write; a schema is never awaited.
    then: Type.Record(Type.String(), Type.Unknown(), { description: 'Actions: siren, relay, notify, …' }),
  },
  { description: 'What to do when an event matches.' },
);

/** Alarm modes, mode schedules and the rules that turn events into actions. */
export const AlarmSchema = strictObject(
  {
    mode: Type.String({
      minLength: 1,
      default: 'disarmed',
      description: 'Mode at start; one of alarm.modes.',
    }),
    modes: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      default: ['disarmed', 'home', 'away'],
      description: 'Modes the alarm can be in.',
    }),
    schedules: Type.Array(ScheduleSchema, { default: [], description: 'Mode changes by time of day.' }),
    rules: Type.Array(RuleSchema, { default: [], description: 'Rules evaluated for every processed event.' }),
  },
  { default: {}, description: 'Alarm modes and rules.' },
);

/** Alarm modes and rules. */
export type AlarmConfig = Static<typeof AlarmSchema>;
/** One alarm rule. */
export type AlarmRuleConfig = Static<typeof RuleSchema>;
/** One scheduled mode change. */
export type AlarmScheduleConfig = Static<typeof ScheduleSchema>;
