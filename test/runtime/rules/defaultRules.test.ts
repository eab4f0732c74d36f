import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRules } from '../../../runtime/rules/index';
import { decide, MODES, makeEvent, makeRule } from './ruleTestKit';

const withSiren = compileRules([], { modes: MODES, gpioOutputs: ['siren', 'relay'] });
const blacklisted = makeEvent({ type: 'face_blacklisted', severity: 'medium' });

describe('default rules', () => {
  it('route every event to the web stream and MQTT, in every mode', () => {
    for (const mode of MODES) {
      const decision = decide(withSiren, makeEvent({ type: 'motion' }), mode);
      assert.deepEqual(decision.routes, ['web', 'mqtt']);
      assert.deepEqual(decision.matched, ['default-stream']);
    }
  });

  it('make a blacklisted face critical, tagged alert and sounding the siren when armed', () => {
    for (const mode of ['home', 'away']) {
      const decision = decide(withSiren, blacklisted, mode);
      assert.equal(decision.severity, 'critical');
      assert.deepEqual(decision.routes, ['web', 'mqtt', 'gpio:siren']);
      assert.deepEqual(decision.tags, ['alert']);
    }
  });

  it('send nothing to GPIO and raise no alert for a blacklisted face when disarmed', () => {
    const decision = decide(withSiren, blacklisted, 'disarmed');
    assert.equal(decision.severity, 'medium');
    assert.deepEqual(decision.routes, ['web', 'mqtt']);
    assert.deepEqual(decision.tags, []);
  });

  it('route to the siren only when a siren output is configured', () => {
    const noSiren = compileRules([], { modes: MODES, gpioOutputs: ['relay'] });
    const decision = decide(noSiren, blacklisted, 'away');
    assert.equal(decision.severity, 'critical');
    assert.deepEqual(decision.routes, ['web', 'mqtt']);
  });

  it('make an unknown face or an intrusion high only while away', () => {
    for (const type of ['face_unknown', 'intrusion'] as const) {
      const event = makeEvent({ type, severity: 'low' });
      assert.equal(decide(withSiren, event, 'away').severity, 'high');
      assert.deepEqual(decide(withSiren, event, 'away').tags, ['alert']);
      assert.equal(decide(withSiren, event, 'home').severity, 'low');
      assert.deepEqual(decide(withSiren, event, 'away').routes, ['web', 'mqtt'], 'no relay by default');
    }
  });

  it('switch on alarm.unknown_person_outputs for an unknown person while away, and never when disarmed', () => {
    const set = compileRules([], {
      modes: MODES,
      gpioOutputs: ['siren', 'relay'],
      unknownPersonOutputs: ['relay'],
    });
    const unknown = makeEvent({ type: 'face_unknown', severity: 'low' });
    assert.deepEqual(decide(set, unknown, 'away').routes, ['web', 'mqtt', 'gpio:relay']);
    assert.deepEqual(decide(set, unknown, 'home').routes, ['web', 'mqtt']);
    assert.deepEqual(decide(set, unknown, 'disarmed').routes, ['web', 'mqtt']);
  });

  it('alert on an unknown person only in a zone, or anywhere on a camera without zones', () => {
    const set = compileRules([], { modes: MODES, gpioOutputs: [], unzonedCameras: ['garden'] });
    const unknown = (overrides: Parameters<typeof makeEvent>[0]) =>
      decide(set, makeEvent({ type: 'face_unknown', severity: 'low', ...overrides }), 'away').severity;
    assert.equal(unknown({ camera: 'front', zones: ['porch'] }), 'high');
    assert.equal(unknown({ camera: 'front', zones: [] }), 'low', 'outside the zones of a zoned camera');
    assert.equal(unknown({ camera: 'garden', zones: [] }), 'high');
    assert.equal(unknown({ camera: null, zones: [] }), 'high', 'an external report without a camera');
  });

  it('make a sensor turning active an alert while away, but not its return to rest', () => {
    const active = makeEvent({ type: 'sensor', severity: 'low', data: { active: true, sensor: 'door' } });
    const rest = makeEvent({ type: 'sensor', severity: 'low', data: { active: false, sensor: 'door' } });
    assert.equal(decide(withSiren, active, 'away').severity, 'high');
    assert.deepEqual(decide(withSiren, active, 'away').tags, ['alert']);
    assert.equal(decide(withSiren, rest, 'away').severity, 'low');
    assert.equal(decide(withSiren, active, 'home').severity, 'low');
  });

  it('follow renamed modes: the first is disarmed, the last is away', () => {
    const set = compileRules([], { modes: ['off', 'night', 'holiday'], gpioOutputs: ['siren'] });
    assert.deepEqual(decide(set, blacklisted, 'off').routes, ['web', 'mqtt']);
    assert.deepEqual(decide(set, blacklisted, 'night').routes, ['web', 'mqtt', 'gpio:siren']);
    assert.equal(decide(set, makeEvent({ type: 'face_unknown' }), 'holiday').severity, 'high');
    assert.equal(decide(set, makeEvent({ type: 'face_unknown' }), 'night').severity, 'low');
  });

  it('a user rule of the same name replaces a default, and a disabled one removes it', () => {
    const replaced = compileRules(
      [
        makeRule({ name: 'default-stream', actions: { route: ['web'] } }),
        makeRule({ name: 'mine', actions: { route: ['clip'] } }),
      ],
      { modes: MODES },
    );
    assert.deepEqual(replaced.order, [
      'default-unknown-person',
      'default-sensor-away',
      'default-blacklisted-face',
      'default-stream',
      'mine',
    ]);
    assert.deepEqual(decide(replaced, makeEvent()).routes, ['web', 'clip']);
    const removed = compileRules([makeRule({ name: 'default-blacklisted-face', enabled: false })], {
      modes: MODES,
      gpioOutputs: ['siren'],
    });
    assert.deepEqual(decide(removed, blacklisted, 'away').routes, ['web', 'mqtt']);
    assert.equal(decide(removed, blacklisted, 'away').severity, 'medium');
  });

  it('let user rules act after the defaults, e.g. lift a siren for a known test face', () => {
    const set = compileRules(
      [
        makeRule({
          name: 'siren-test',
          after: ['default-blacklisted-face'],
          when: { all: [{ field: 'data.face', op: 'eq', value: 'test-dummy' }] },
          actions: { action: 'block' },
        }),
      ],
      { modes: MODES, gpioOutputs: ['siren'] },
    );
    const decision = decide(
      set,
      makeEvent({ type: 'face_blacklisted', data: { face: 'test-dummy' } }),
      'away',
    );
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.routes, []);
  });
});
