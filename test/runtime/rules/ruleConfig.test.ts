import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GpioLineConfig, GpioLineSchema } from '../../../hal/gpio/gpioSchema';
import { applyDefaults } from '../../../runtime/config/applyDefaults';
import { type AlarmConfig, loadConfig } from '../../../runtime/config/index';
import { alarmIssues, routeTargets } from '../../../runtime/config/semantic/alarm';
import { compileRules, RulesConfigError } from '../../../runtime/rules/index';
import { MODES, makeRule } from './ruleTestKit';

/** Issues of a config whose alarm section is `alarm` (YAML), as `path: message` lines. */
function problems(alarm: string): string[] {
  const result = loadConfig({ env: {}, text: `alarm:\n${alarm}` });
  assert.ok(!result.ok, 'expected the config to be rejected');
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

function alarm(rules: AlarmConfig['rules']): AlarmConfig {
  return { mode: 'disarmed', modes: [...MODES], schedules: [], unknown_person_outputs: [], rules };
}

describe('rule config checks', () => {
  it('accepts a full rule in YAML and fills its defaults', () => {
    const result = loadConfig({
      env: {},
      text:
        'gpio: { siren: { pin: 17 } }\nalarm:\n  rules:\n    - name: siren-on-blacklist\n' +
        '      modes: [away]\n      when: { all: [{ field: type, op: eq, value: face_blacklisted }], ' +
        'none: [{ field: data.face.name, op: regex, value: "/^test/i" }] }\n' +
        '      then: { severity: critical, route: ["gpio:siren", web], tags: [alert], set: { armed: true } }\n',
    });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    assert.equal(result.config.alarm.rules[0]?.enabled, true);
    assert.equal(result.config.alarm.rules[0]?.stop, false);
  });

  it('names the rule for a bad regex, a bad range, an in without a list and a missing value', () => {
    const found = problems(
      '  rules:\n    - name: first\n      when: { all: [{ field: camera, op: eq, value: front }] }\n      then: {}\n' +
        '    - name: siren-on-blacklist\n      when:\n        all: [{ field: label, op: regex, value: "(unclosed" }]\n' +
        '        any: [{ field: confidence, op: range, value: [0.9] }, { field: confidence, op: range, value: [0.9, 0.5] }]\n' +
        '        none: [{ field: camera, op: in, value: front }, { field: camera, op: eq }]\n      then: {}\n',
    );
    assert.deepEqual(found, [
      "alarm.rules[1].when.all[0].value: rule 'siren-on-blacklist': invalid regex '(unclosed': Invalid regular expression: /(unclosed/: Unterminated group — fix the pattern (plain, or /pattern/i)",
      "alarm.rules[1].when.any[0].value: rule 'siren-on-blacklist': range needs [min, max]: two values, e.g. [0.5, 0.9] (got [0.9])",
      "alarm.rules[1].when.any[1].value: rule 'siren-on-blacklist': range min is above max — write [0.5, 0.9]",
      "alarm.rules[1].when.none[0].value: rule 'siren-on-blacklist': in needs a list of values, e.g. [porch, driveway] (got 'front')",
      "alarm.rules[1].when.none[1]: rule 'siren-on-blacklist': missing required key 'value' — eq compares with it",
    ]);
  });

  it('names the rules of an after cycle, and an after naming no rule', () => {
    const found = problems(
      '  rules:\n' +
        '    - { name: a, after: [c], when: {}, then: {} }\n' +
        '    - { name: b, after: [a], when: {}, then: {} }\n' +
        '    - { name: c, after: [b], when: {}, then: {} }\n' +
        '    - { name: d, after: [a, defualt-stream, nobody, d], when: {}, then: {} }\n',
    );
    assert.deepEqual(found, [
      "alarm.rules[0].after: rule 'a': 'after' forms a cycle: 'a' after 'c' after 'b' after 'a' — remove one of these 'after' entries",
      "alarm.rules[3].after[1]: rule 'd': 'after' names unknown rule 'defualt-stream' — did you mean 'default-stream'?",
      "alarm.rules[3].after[2]: rule 'd': 'after' names unknown rule 'nobody' — rules: a, b, c, d, default-stream, default-unknown-person, default-blacklisted-face, default-sensor-away",
      "alarm.rules[3].after[3]: rule 'd': a rule cannot come after itself — remove this entry",
    ]);
  });

  it('rejects unknown fields and modes, mismatched ops and values, duplicate names and unknown routes', () => {
    const found = problems(
      '  rules:\n' +
        '    - name: x\n      modes: [awya]\n      when:\n        all:\n' +
        '          - { field: camrea, op: eq, value: front }\n' +
        '          - { field: zones, op: eq, value: porch }\n' +
        '          - { field: confidence, op: gt, value: high }\n' +
        '          - { field: type, op: eq, value: face_blacklist }\n' +
        '          - { field: mode, op: in, value: [away, holiday] }\n' +
        '          - { field: camera.name, op: exists }\n' +
        '          - { field: severity, op: gte, value: urgent }\n' +
        '      then: { route: [webb, "gpio:"] }\n' +
        '    - { name: x, when: {}, then: { severity: high, force_severity: low } }\n',
    );
    assert.deepEqual(found, [
      "alarm.rules[0].modes[0]: rule 'x': 'awya' is not one of alarm.modes (disarmed, home, away) — did you mean 'away'?",
      "alarm.rules[0].when.all[0].field: rule 'x': unknown field 'camrea' — did you mean 'camera'?",
      "alarm.rules[0].when.all[1].op: rule 'x': 'zones' is a list: use contains (one value) or in (any of several) instead of eq",
      "alarm.rules[0].when.all[2].value: rule 'x': 'confidence' is a number, so compare it with a number (got 'high')",
      "alarm.rules[0].when.all[3].value: rule 'x': 'face_blacklist' is not an event type — did you mean 'face_blacklisted'?",
      "alarm.rules[0].when.all[4].value[1]: rule 'x': 'holiday' is not one of alarm.modes (disarmed, home, away)",
      "alarm.rules[0].when.all[5].field: rule 'x': 'camera' has no sub-fields; only data.<key>… has them",
      "alarm.rules[0].when.all[6].value: rule 'x': 'urgent' is not a severity (info, low, medium, high, critical)",
      "alarm.rules[0].then.route[0]: rule 'x': unknown route 'webb' — did you mean 'web'? — use web, mqtt, clip, webhook:<name> or gpio:<output>",
      "alarm.rules[0].then.route[1]: rule 'x': unknown route 'gpio:' — did you mean 'gpio'? — use web, mqtt, clip, webhook:<name> or gpio:<output>",
      "alarm.rules[1].name: rule 'x': the name is already used by alarm.rules[0] — rule names must be unique",
      "alarm.rules[1].then: rule 'x': set severity (raise to at least) or force_severity (set exactly), not both",
    ]);
  });

  it('reports schema errors in rules at their line, with the valid choices', () => {
    const result = loadConfig({
      env: {},
      text: 'alarm:\n  rules:\n    - name: x\n      when: { all: [{ field: camera, op: equals, value: front }] }\n      then: { route: web }\n',
    });
    assert.ok(!result.ok);
    assert.deepEqual(
      result.errors.map(({ path, message, line }) => ({ path, message, line })),
      [
        {
          path: 'alarm.rules[0].when.all[0].op',
          message:
            "must be one of eq, neq, gt, gte, lt, lte, contains, regex, in, range, exists (got 'equals')",
          line: 4,
        },
        { path: 'alarm.rules[0].then.route', message: "must be a list (got 'web')", line: 5 },
      ],
    );
  });

  it('checks gpio and webhook routes against what is configured', () => {
    const rules = [
      makeRule({
        name: 'outputs',
        actions: { route: ['gpio:siren', 'gpio:pir', 'gpio:horn', 'webhook:ops', 'webhook:pager'] },
      }),
    ];
    const gpio = {
      siren: applyDefaults(GpioLineSchema, { pin: 17, direction: 'output' }) as GpioLineConfig,
      pir: applyDefaults(GpioLineSchema, { pin: 27, direction: 'input' }) as GpioLineConfig,
    };
    const targets = routeTargets(gpio, { ops: {} });
    assert.deepEqual(
      alarmIssues(alarm(rules), targets).map((issue) => issue.message),
      [
        "rule 'outputs': 'gpio:pir' names no gpio output (configured: siren) — add gpio.pir with direction: output, or route to one that exists",
        "rule 'outputs': 'gpio:horn' names no gpio output (configured: siren) — add gpio.horn with direction: output, or route to one that exists",
        "rule 'outputs': 'webhook:pager' names no webhook (configured: ops) — add events.webhooks.pager, or route to one that exists",
      ],
    );
    // Without targets (webhooks not wired in yet) the names are not checked.
    assert.deepEqual(alarmIssues(alarm(rules)), []);
  });

  it('compileRules refuses bad rules with every issue, each naming its rule', () => {
    const bad = [
      makeRule({ name: 'loop-a', after: ['loop-b'] }),
      makeRule({ name: 'loop-b', after: ['loop-a'] }),
      makeRule({ name: 'bad-regex', when: { any: [{ field: 'label', op: 'regex', value: '[' }] } }),
    ];
    assert.throws(
      () => compileRules(bad, { modes: MODES }),
      (error: unknown) => {
        assert.ok(error instanceof RulesConfigError);
        assert.deepEqual(
          error.issues.map((issue) => issue.path.join('/')),
          ['alarm/rules/2/when/any/0/value', 'alarm/rules/0/after'],
        );
        assert.match(
          error.message,
          /alarm\.rules\[0\]\.after: rule 'loop-a': 'after' forms a cycle: 'loop-a' after 'loop-b' after 'loop-a'/,
        );
        assert.match(
          error.message,
          /alarm\.rules\[2\]\.when\.any\[0\]\.value: rule 'bad-regex': invalid regex '\['/,
        );
        return true;
      },
    );
  });
});
