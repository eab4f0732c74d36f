import type { AlarmRuleConfig, RuleThenConfig, RuleWhenConfig } from './ruleSchema';

/** Names of the built-in rules; a user rule with one of these names replaces that rule. */
export const DEFAULT_RULE_NAMES = [
  'default-stream',
  'default-unknown-person',
  'default-blacklisted-face',
  'default-sensor-away',
] as const;

/** What the default rules depend on in the config. */
export interface DefaultRuleOptions {
  /** alarm.modes, least armed first: the first is disarmed. */
  modes: readonly string[];
  /** Configured GPIO outputs; the siren is routed to only when `siren` is one of them. */
  gpioOutputs?: readonly string[];
  /** alarm.unknown_person_outputs: outputs switched on for an unknown person while away. */
  unknownPersonOutputs?: readonly string[];
  /**
   * Cameras without zones, where the whole picture counts as the zone. When given, an unknown
   * person must be in a zone (or on one of these cameras, or reported without a camera).
   */
  unzonedCameras?: readonly string[];
}

/** The mode treated as "away": the one named away, else the most armed (last) one. */
export function awayMode(modes: readonly string[]): string | undefined {
  if (modes.includes('away')) return 'away';
  return modes.length > 1 ? modes.at(-1) : undefined;
}

/**
 * The built-in rules (seed 000's notification routing, the Actuators issue's alarm
 * defaults), evaluated before user rules:
 * - default-stream: every event goes to the web stream and the MQTT outbox.
 * - default-unknown-person: an unknown face or a person intrusion in a zone (anywhere on a camera
 *   without zones) while away is high severity, tagged alert, and switches on
 *   `alarm.unknown_person_outputs` (none by default).
 * - default-sensor-away: a sensor input turning active (PIR, door opened) while away is high, tagged alert.
 * - default-blacklisted-face: a blacklisted face in any armed mode is critical, tagged alert, and
 *   sounds gpio:siren when a `siren` output exists.
 * A disarmed alarm never routes to GPIO (see RuleSet.evaluate).
 */
export function defaultRules(options: DefaultRuleOptions): AlarmRuleConfig[] {
  const rules = [
    rule(
      'default-stream',
      'Every event to the web stream and the MQTT outbox.',
      undefined,
      {},
      {
        route: ['web', 'mqtt'],
      },
    ),
  ];
  const away = awayMode(options.modes);
  if (away !== undefined) {
    const when: RuleWhenConfig = { all: [{ field: 'type', op: 'in', value: ['face_unknown', 'intrusion'] }] };
    if (options.unzonedCameras !== undefined) {
      when.any = [
        { field: 'zones', op: 'exists' },
        { field: 'camera', op: 'in', value: [...options.unzonedCameras] },
        { field: 'camera', op: 'exists', value: false },
      ];
    }
    rules.push(
      rule('default-unknown-person', 'An unknown person while away is an alert.', [away], when, {
        severity: 'high',
        tags: ['alert'],
        ...outputRoutes(options.unknownPersonOutputs ?? []),
      }),
      rule(
        'default-sensor-away',
        'A sensor turning active while away (PIR, door opened) is an alert.',
        [away],
        {
          all: [
            { field: 'type', op: 'eq', value: 'sensor' },
            { field: 'data.active', op: 'eq', value: true },
          ],
        },
        { severity: 'high', tags: ['alert'] },
      ),
    );
  }
  const armed = options.modes.slice(1);
  if (armed.length > 0) {
    const siren = options.gpioOutputs?.includes('siren') === true;
    const when = { all: [{ field: 'type', op: 'eq' as const, value: 'face_blacklisted' }] };
    rules.push(
      rule(
        'default-blacklisted-face',
        'A blacklisted face while armed: critical alert and the siren.',
        armed,
        when,
        {
          severity: 'critical',
          tags: ['alert'],
          ...outputRoutes(siren ? ['siren'] : []),
        },
      ),
    );
  }
  return rules;
}

function outputRoutes(outputs: readonly string[]): Pick<RuleThenConfig, 'route'> {
  return outputs.length === 0 ? {} : { route: outputs.map((output) => `gpio:${output}`) };
}

function rule(
  name: string,
  description: string,
  modes: string[] | undefined,
  when: RuleWhenConfig,
  actions: RuleThenConfig,
): AlarmRuleConfig {
  const base = { name, description, enabled: true, when, stop: false };
  // biome-ignore lint/suspicious/noThenProperty: `then` is the rule key users write; it holds a mapping, not a function, so a rule is no thenable.
  return modes === undefined ? { ...base, then: actions } : { ...base, modes, then: actions };
}
