import type { VigilEvent } from '../../../runtime/domain/eventModel';
import { compileRules, type Decision, type RuleSet } from '../../../runtime/rules/index';
import type { AlarmRuleConfig, RuleConditionConfig, RuleThenConfig } from '../../../runtime/rules/ruleSchema';

/** The default alarm modes. */
export const MODES = ['disarmed', 'home', 'away'] as const;

/** A processed event with plain defaults; override what a test is about. */
export function makeEvent(overrides: Partial<VigilEvent> = {}): VigilEvent {
  return {
    id: 'ev-1',
    type: 'object_detected',
    timestamp: 1_700_000_000_000,
    receivedAt: 1_700_000_000_010,
    source: 'pipeline',
    camera: 'front',
    zones: ['porch'],
    label: 'person',
    objectId: 'obj-1',
    confidence: 0.8,
    box: [0.1, 0.1, 0.4, 0.9],
    data: {},
    correlationId: 'corr-1',
    parentId: null,
    severity: 'low',
    fingerprint: 'fp-1',
    incidentId: 'inc-1',
    ...overrides,
  };
}

/** A rule with the schema defaults filled in; its `then` is given as `actions`. */
export function makeRule({
  actions = {},
  ...rule
}: Partial<Omit<AlarmRuleConfig, 'then'>> &
  Pick<AlarmRuleConfig, 'name'> & { actions?: RuleThenConfig }): AlarmRuleConfig {
  // biome-ignore lint/suspicious/noThenProperty: `then` is the rule key users write; it holds a mapping, so a rule is no thenable.
  return { enabled: true, stop: false, when: {}, then: actions, ...rule };
}

/** User rules only (no defaults), compiled for the default modes. */
export function userRules(rules: AlarmRuleConfig[]): RuleSet {
  return compileRules(rules, { modes: MODES, defaults: false });
}

/** Whether one condition matches `event` (in `mode` at `hour`). */
export function holds(condition: RuleConditionConfig, event: VigilEvent, mode = 'home', hour = 12): boolean {
  const set = userRules([
    makeRule({ name: 'probe', when: { all: [condition] }, actions: { tags: ['hit'] } }),
  ]);
  return set.evaluate(event, { mode, hour }).matched.includes('probe');
}

/** Evaluates at noon in `mode`. */
export function decide(set: RuleSet, event: VigilEvent, mode = 'home', hour = 12): Decision {
  return set.evaluate(event, { mode, hour });
}
