import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';
import { RuleSchema } from '../../rules/ruleSchema';

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

/** Alarm modes, mode schedules and the rules that turn events into actions. */
export const AlarmSchema = strictObject(
  {
    mode: Type.String({
      minLength: 1,
      default: 'disarmed',
      description:
        'Mode at first start; one of alarm.modes. Later the last mode set (API, MQTT, schedule) survives restarts and power loss.',
    }),
    modes: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      default: ['disarmed', 'home', 'away'],
      description:
        'Modes the alarm can be in, least armed first: the first is disarmed (no GPIO output ever fires in it).',
    }),
    schedules: Type.Array(ScheduleSchema, { default: [], description: 'Mode changes by time of day.' }),
    unknown_person_outputs: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description:
        'GPIO outputs switched on when an unknown person is seen while away (e.g. [relay] for a floodlight); the siren is for blacklisted faces.',
    }),
    rules: Type.Array(RuleSchema, {
      default: [],
      description: 'Rules evaluated for every processed event, after the built-in default rules.',
    }),
  },
  { default: {}, description: 'Alarm modes and rules.' },
);

/** Alarm modes and rules. */
export type AlarmConfig = Static<typeof AlarmSchema>;
/** One scheduled mode change. */
export type AlarmScheduleConfig = Static<typeof ScheduleSchema>;
