import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDiscoveryConfigs } from './haDiscoveryRules';

const TOPIC = 'homeassistant/sensor/vigil_porch/cpu_temperature/config';

function good(): Record<string, unknown> {
  return {
    name: 'CPU temperature',
    unique_id: 'vigil_porch_cpu_temperature',
    default_entity_id: 'sensor.porch_cpu_temperature',
    state_topic: 'vigil/porch/state',
    value_template: '{{ value_json.cpu_temperature }}',
    device_class: 'temperature',
    unit_of_measurement: '°C',
    state_class: 'measurement',
    availability_topic: 'vigil/porch/available',
    qos: 1,
    device: { identifiers: ['vigil_porch'], name: 'Porch', configuration_url: 'http://porch:8080/' },
    origin: { name: 'Vigil', sw_version: '1.0.0' },
  };
}

/** The problems the checker finds in `good()` changed by `change`. */
function problems(change: (config: Record<string, unknown>) => void, topic = TOPIC): string[] {
  const config = good();
  change(config);
  return checkDiscoveryConfigs([{ topic, payload: config }]);
}

describe('the Home Assistant discovery rules checker', () => {
  it('accepts a valid config', () => {
    assert.deepEqual(
      problems(() => undefined),
      [],
    );
  });

  const cases: Array<[string, (c: Record<string, unknown>) => void, RegExp, string?]> = [
    ['a missing unique_id', (c) => delete c.unique_id, /unique_id is required/],
    ['both availability forms', (c) => (c.availability = [{ topic: 'x/y' }]), /exclusive/],
    [
      'a unit the device class does not take',
      (c) => (c.unit_of_measurement = '%'),
      /unit % is not valid for device_class temperature/,
    ],
    [
      'a state class the device class does not take',
      (c) => (c.state_class = 'total_increasing'),
      /state_class total_increasing is not valid/,
    ],
    ['an unknown device class', (c) => (c.device_class = 'cpu'), /device_class cpu/],
    ['a missing state topic', (c) => delete c.state_topic, /state_topic is required/],
    [
      'an unknown option (a typo HA would drop)',
      (c) => (c.stat_topic = 'a/b'),
      /stat_topic is not an option/,
    ],
    ['the deprecated object_id', (c) => (c.object_id = 'x'), /object_id is deprecated/],
    [
      'a default entity id of another platform',
      (c) => (c.default_entity_id = 'switch.x'),
      /not a valid sensor/,
    ],
    [
      'a device without identifiers',
      (c) => (c.device = { name: 'Porch' }),
      /at least one value in identifiers/,
    ],
    ['an origin without a name', (c) => (c.origin = { sw_version: '1' }), /origin\.name is required/],
    [
      'a bad configuration_url',
      (c) => (c.device = { identifiers: ['x'], configuration_url: 'porch:8080' }),
      /configuration_url/,
    ],
    [
      'an entity name starting with the device name',
      (c) => (c.name = 'Porch CPU temperature'),
      /starts with the device name/,
    ],
    ['a wildcard inside a level', (c) => (c.state_topic = 'vigil/po+ch/state'), /whole level/],
    ['a bad qos', (c) => (c.qos = 3), /qos must be/],
    ['unbalanced template braces', (c) => (c.value_template = '{{ value_json.x }'), /unbalanced/],
    [
      'a space in the object id',
      () => undefined,
      /not a discovery topic/,
      'homeassistant/sensor/vigil_porch/cpu temp/config',
    ],
    [
      'an unknown component',
      () => undefined,
      /not one this checker knows/,
      'homeassistant/thermostat/vigil_porch/t/config',
    ],
  ];
  for (const [what, change, expected, topic] of cases) {
    it(`rejects ${what}`, () => {
      const found = problems(change, topic);
      assert.ok(
        found.some((p) => expected.test(p)),
        `expected ${expected}, got ${JSON.stringify(found)}`,
      );
    });
  }

  it('rejects platform rules: select options, siren flags, image topics, event types, switch commands', () => {
    const device = { identifiers: ['vigil_porch'] };
    const found = checkDiscoveryConfigs([
      {
        topic: 'homeassistant/select/n/a/config',
        payload: { unique_id: 'a', command_topic: 'x/set', device },
      },
      {
        topic: 'homeassistant/siren/n/b/config',
        payload: { unique_id: 'b', command_topic: 'x/set', support_duration: 'yes' },
      },
      {
        topic: 'homeassistant/image/n/c/config',
        payload: { unique_id: 'c', image_topic: 'x/i', url_topic: 'x/u' },
      },
      {
        topic: 'homeassistant/event/n/d/config',
        payload: { unique_id: 'd', state_topic: 'x/e', event_types: [] },
      },
      { topic: 'homeassistant/switch/n/e/config', payload: { unique_id: 'e', command_topic: 'x/+/set' } },
      {
        topic: 'homeassistant/binary_sensor/n/f/config',
        payload: { unique_id: 'f', state_topic: 'x/m', device_class: 'person' },
      },
    ]);
    for (const expected of [
      /select\/n\/a.*options is required/,
      /support_duration must be true or false/,
      /exactly one of image_topic and url_topic/,
      /event_types must be a non-empty list/,
      /command_topic x\/\+\/set: a publish topic cannot hold wildcards/,
      /device_class person is not a binary_sensor device class/,
    ]) {
      assert.ok(
        found.some((p) => expected.test(p)),
        `expected ${expected}, got ${JSON.stringify(found)}`,
      );
    }
  });

  it('rejects a unique_id used twice on one platform', () => {
    const found = checkDiscoveryConfigs([
      { topic: TOPIC, payload: good() },
      { topic: 'homeassistant/sensor/vigil_porch/other/config', payload: good() },
    ]);
    assert.ok(
      found.some((p) => /unique_id vigil_porch_cpu_temperature is also used by/.test(p)),
      JSON.stringify(found),
    );
  });

  it('rejects a payload that is not a JSON object', () => {
    assert.match(checkDiscoveryConfigs([{ topic: TOPIC, payload: 'ON' }])[0] ?? '', /not a JSON object/);
  });
});
