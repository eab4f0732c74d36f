import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver, retainedUnder } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';
import { checkDiscoveryConfigs } from './haDiscoveryRules';
import { dbFileIn, haKit } from './haKit';

function yaml(dataDir: string, options: { backYard?: boolean; homeassistant?: boolean } = {}): string {
  return `
data_dir: ${dataDir}
device: { id: porch, name: Porch }
mqtt: { enabled: true, homeassistant: ${options.homeassistant ?? true} }
cameras:
  front: { source: { driver: sim }, objects: { track: [person, car] } }
${options.backYard === false ? '' : '  back-yard: { source: { driver: sim }, objects: { track: [dog, sports ball] } }'}
gpio:
  siren: { driver: sim, pin: 17, direction: output }
`;
}

/** The discovery configs the broker holds, parsed. */
async function heldConfigs(url: string): Promise<Map<string, Record<string, unknown>>> {
  const held = await retainedUnder(url, 'homeassistant/#');
  const configs = new Map<string, Record<string, unknown>>();
  for (const [topic, payload] of held) {
    if (topic.endsWith('/config'))
      configs.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>);
  }
  return configs;
}

function rememberedTopics(kit: Awaited<ReturnType<typeof haKit>>): string[] {
  const rows = kit.store.db.prepare('SELECT topic FROM mqtt_discovery ORDER BY topic').all() as Array<{
    topic: string;
  }>;
  return rows.map((r) => r.topic);
}

describe('Home Assistant discovery', () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker();
  });
  after(() => broker.stop());

  it('announces every entity with configs that pass Home Assistant’s rules', async () => {
    const dir = tempDir();
    const kit = await haKit({ brokerUrl: broker.url, yaml: yaml(dir), dbFile: dbFileIn(dir) });
    await kit.start();
    const configs = await heldConfigs(broker.url);

    assert.deepEqual(
      checkDiscoveryConfigs([...configs].map(([topic, payload]) => ({ topic, payload }))),
      [],
      'every config passes the rules',
    );
    assert.deepEqual([...configs.keys()].sort(), kit.feature.messages.map((m) => m.topic).sort());
    // front: motion, occupancy, 2 counts, face, face event, snapshot, detection and motion
    // detection; back-yard: no person so no occupancy; the appliance: the alarm panel, the siren's
    // state and 6 device sensors.
    assert.equal(configs.size, 9 + 8 + 8);
    assert.deepEqual(rememberedTopics(kit), [...configs.keys()].sort(), 'every topic is remembered');

    const motion = configs.get('homeassistant/binary_sensor/vigil_porch/front_motion/config');
    assert.ok(motion, 'the front motion sensor is announced');
    assert.deepEqual(motion.device, {
      identifiers: ['vigil_porch'],
      name: 'Porch',
      manufacturer: 'Vigil',
      model: 'Test Board Rev 1',
      sw_version: '9.9.9-test',
      configuration_url: 'http://vigil-test.local:8080/',
    });
    assert.deepEqual(motion.origin, {
      name: 'Vigil',
      sw_version: '9.9.9-test',
      support_url: 'http://vigil-test.local:8080/',
    });
    assert.equal(motion.availability_topic, 'vigil/porch/available');
    assert.equal(motion.state_topic, 'vigil/porch/front/motion');
    assert.equal(motion.device_class, 'motion');
    assert.equal(motion.unique_id, 'vigil_porch_front_motion');
    assert.equal(motion.default_entity_id, 'binary_sensor.porch_front_motion');

    const ball = configs.get('homeassistant/sensor/vigil_porch/back-yard_sports_ball_count/config');
    assert.ok(ball, 'a label with a space gets a safe object id');
    assert.equal(ball.default_entity_id, 'sensor.porch_back_yard_sports_ball_count');
    assert.equal(ball.value_template, '{{ value_json["sports ball"] | int(0) }}');
    assert.equal(ball.state_class, 'measurement');

    const occupancy = configs.get('homeassistant/binary_sensor/vigil_porch/front_person_occupancy/config');
    assert.equal(occupancy?.device_class, 'occupancy');
    assert.equal(occupancy?.state_topic, 'vigil/porch/front/objects');

    // Nothing a bare broker client could use to sound or silence the siren, or to disarm.
    const siren = configs.get('homeassistant/binary_sensor/vigil_porch/siren/config');
    assert.equal(siren?.device_class, 'sound');
    assert.equal(siren?.state_topic, 'vigil/porch/siren/state');
    assert.equal(siren?.command_topic, undefined);
    assert.equal([...configs.keys()].filter((t) => /^homeassistant\/(siren|select)\//.test(t)).length, 0);

    const panel = configs.get('homeassistant/alarm_control_panel/vigil_porch/alarm/config');
    assert.equal(panel?.command_topic, 'vigil/porch/alarm/set');
    assert.equal(panel?.state_topic, 'vigil/porch/alarm/panel');
    assert.equal(panel?.code, 'REMOTE_CODE', 'HA asks for the code; the appliance checks it');
    assert.equal(panel?.code_disarm_required, true);
    assert.deepEqual(panel?.supported_features, ['arm_home', 'arm_away', 'trigger']);
    assert.equal(panel?.command_template, '{"action": "{{ action }}", "code": "{{ code }}"}');

    const snapshot = configs.get('homeassistant/image/vigil_porch/front_snapshot/config');
    assert.equal(snapshot?.image_topic, 'vigil/porch/front/snapshot');
    assert.equal(snapshot?.content_type, 'image/jpeg');

    const face = configs.get('homeassistant/event/vigil_porch/front_face/config');
    assert.deepEqual(face?.event_types, ['known', 'unknown', 'blacklisted']);
    assert.equal(face?.state_topic, 'vigil/porch/front/face/event');

    // Detection is shown, not switchable, unless mqtt.commands.unsigned takes HA's plain switches.
    const detect = configs.get('homeassistant/binary_sensor/vigil_porch/front_detect/config');
    assert.equal(detect?.command_topic, undefined);
    assert.equal(detect?.state_topic, 'vigil/porch/front/detect/state');

    const lag = configs.get('homeassistant/sensor/vigil_porch/sync_lag/config');
    assert.equal(lag?.device_class, 'duration');
    assert.equal(lag?.unit_of_measurement, 's');
    assert.equal(lag?.state_topic, 'vigil/porch/state');
    const temperature = configs.get('homeassistant/sensor/vigil_porch/cpu_temperature/config');
    assert.equal(temperature?.unit_of_measurement, '°C');

    const held = await retainedUnder(broker.url, 'vigil/porch/#');
    assert.equal(held.get('vigil/porch/available')?.toString(), 'online');
    await kit.stop();
  });

  it('a restart with one camera fewer deletes that camera’s entities, and only those', async () => {
    const dir = tempDir();
    const first = await haKit({ brokerUrl: broker.url, yaml: yaml(dir), dbFile: dbFileIn(dir) });
    await first.start();
    const backYard = first.feature.messages.map((m) => m.topic).filter((t) => t.includes('/back-yard_'));
    const front = first.feature.messages.map((m) => m.topic).filter((t) => !t.includes('/back-yard_'));
    assert.equal(backYard.length, 8);
    await first.stop();

    const observer = await MqttObserver.connect(broker.url);
    await observer.subscribe('homeassistant/#');
    const second = await haKit({
      brokerUrl: broker.url,
      yaml: yaml(dir, { backYard: false }),
      dbFile: dbFileIn(dir),
    });
    await second.start();
    const deletes = await observer.count(
      (m) => backYard.includes(m.topic) && m.payload.length === 0,
      backYard.length,
    );
    assert.deepEqual(deletes.map((m) => m.topic).sort(), [...backYard].sort(), 'an empty config for each');

    const configs = await heldConfigs(broker.url);
    for (const topic of backYard) assert.ok(!configs.has(topic), `${topic} is gone from the broker`);
    for (const topic of front) assert.ok(configs.has(topic), `${topic} is still there`);
    assert.deepEqual(rememberedTopics(second), [...front].sort(), 'the deleted topics are forgotten');
    assert.equal((second.feature.health().homeassistant as { removed_entities: number }).removed_entities, 8);
    await second.stop();

    // Turning discovery off deletes everything announced before; the state topics stay.
    const third = await haKit({
      brokerUrl: broker.url,
      yaml: yaml(dir, { backYard: false, homeassistant: false }),
      dbFile: dbFileIn(dir),
    });
    await third.start();
    const remaining = await heldConfigs(broker.url);
    for (const topic of front) assert.ok(!remaining.has(topic), `${topic} is deleted with discovery off`);
    assert.deepEqual(rememberedTopics(third), []);
    const state = await retainedUnder(broker.url, 'vigil/porch/#');
    assert.equal(state.get('vigil/porch/front/motion')?.toString(), 'OFF');
    await third.stop();
  });

  it('republishes every config and the state when homeassistant/status says online', async () => {
    const dir = tempDir();
    const kit = await haKit({ brokerUrl: broker.url, yaml: yaml(dir), dbFile: dbFileIn(dir) });
    await kit.start();
    const topics = kit.feature.messages.map((m) => m.topic);
    const observer = await MqttObserver.connect(broker.url);
    await observer.subscribe('homeassistant/+/+/+/config');
    await observer.subscribe('vigil/porch/#');
    await observer.count((m) => m.retain && topics.includes(m.topic), topics.length);
    const from = observer.messages.length;

    await observer.publish('homeassistant/status', 'offline');
    await observer.publish('homeassistant/status', 'online');
    // Published live (not replayed from the broker's store): retain is off on delivery.
    const again = await observer.count(
      (m) => !m.retain && topics.includes(m.topic),
      topics.length,
      5000,
      from,
    );
    assert.deepEqual(new Set(again.map((m) => m.topic)), new Set(topics));
    await observer.next((m) => !m.retain && m.topic === 'vigil/porch/state', 5000, from);
    await observer.next((m) => !m.retain && m.topic === 'vigil/porch/alarm/state', 5000, from);
    await kit.stop();
  });
});
