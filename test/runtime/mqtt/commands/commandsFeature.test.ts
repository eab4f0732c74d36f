import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fastify from 'fastify';
import { connectAsync, type IPublishPacket } from 'mqtt';
import { AlarmService } from '../../../../runtime/alarm/alarmService';
import { type AppEvents, TOPIC_POLICIES } from '../../../../runtime/appTopics';
import { EventBus } from '../../../../runtime/bus/eventBus';
import { type Config, loadConfig } from '../../../../runtime/config/index';
import type { MotionConfig } from '../../../../runtime/config/schema/camera';
import { CommandsFeature } from '../../../../runtime/mqtt/commands/commandsFeature';
import { MqttConnection } from '../../../../runtime/mqtt/mqttConnection';
import type { MqttPipelinePort } from '../../../../runtime/mqtt/mqttContext';
import { VigilTopics } from '../../../../runtime/mqtt/vigilTopics';
import type { PipelineStats } from '../../../../runtime/pipeline/pipelineStats';
import { StoreService } from '../../../../runtime/store/storeService';
import { eventually, sysfsRead, sysfsTree } from '../../../hal/gpio/fixtures/gpioFixtures';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver, type Seen } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';

const SIREN = 17;

interface Reply {
  topic: string;
  command: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: string;
  field?: string | null;
}

/**
 * The cameras as the pipeline would run them: `front` and `back` are configured, only `front`
 * runs (tuning `back` answers null, as PipelineService does for a camera that is not running).
 */
function pipelinePort(config: Config) {
  const front = { detectEnabled: true, motion: { ...config.cameras.front?.motion } as MotionConfig };
  const tuned: string[] = [];
  const port: MqttPipelinePort = {
    cameraNames: () => ['front', 'back'],
    stats: () => ({}) as PipelineStats,
    latestSnapshot: async () => null,
    tune: (camera, changes) => {
      if (camera !== 'front') return null;
      tuned.push(JSON.stringify(changes));
      if (changes.detectEnabled !== undefined) front.detectEnabled = changes.detectEnabled;
      if (changes.motion) front.motion = { ...front.motion, ...changes.motion };
      return { detectEnabled: front.detectEnabled, motion: front.motion };
    },
  };
  return { port, front, tuned };
}

function replyOf(message: Seen): Reply {
  return JSON.parse(message.payload.toString('utf8')) as Reply;
}

function configFor(text: string, overrides: Record<string, unknown> = {}): Config {
  const loaded = loadConfig({ env: {}, text, overrides });
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.errors));
  return loaded.config;
}

// Async body: the broker (and its temporary directory) must live as long as the suite, not just a hook.
describe('MQTT commands against a real broker', async () => {
  // Registered first so that it runs before the temporary directories are removed.
  after(async () => {
    for (const { connection } of running) await connection.stop();
    await observer.end();
    await alarm.stop();
    bus.close();
    await store.stop();
    await broker.stop();
  });
  const dir = tempDir();
  const broker: Broker = await startBroker();
  // Made here, not in a hook: the shared observer closes itself when the suite ends.
  const observer = await MqttObserver.connect(broker.url);
  await observer.subscribe('vigil/+/response');
  const gpio = sysfsTree(join(dir, 'gpio'), [SIREN]);
  const { logger } = memoryLogger();
  const text = [
    'device: { id: porch, name: Porch }',
    `data_dir: ${join(dir, 'data')}`,
    'cameras:',
    '  front: { source: { driver: sim } }',
    '  back: { source: { driver: sim } }',
    'gpio:',
    `  siren: { driver: sysfs, sysfs_root: ${gpio}, pin: ${SIREN}, direction: output, max_on: 30 }`,
    'alarm: { mode: home }',
    `mqtt: { enabled: true, url: '${broker.url}', frigate_compat: true }`,
  ].join('\n');
  const config = configFor(text);
  const store = new StoreService({
    file: join(dir, 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger,
  });
  const bus = new EventBus<AppEvents>({
    policies: TOPIC_POLICIES,
    onHandlerError: (err) => assert.fail(`bus handler failed: ${String(err)}`),
  });
  const alarm = new AlarmService({
    config,
    store,
    bus,
    events: { setMode: () => {} },
    http: fastify(),
    logger,
  });
  const pipeline = pipelinePort(config);
  const running: Array<{ connection: MqttConnection }> = [];

  /** A connection with the commands feature for `deviceConfig`, as the MQTT service would build it. */
  const commands = async (deviceConfig: Config) => {
    const topics = new VigilTopics(deviceConfig.mqtt.topic_prefix, deviceConfig.device.id);
    let connected: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const connection = new MqttConnection({
      config: deviceConfig.mqtt,
      clientId: `vigil-${deviceConfig.device.id}`,
      availabilityTopic: topics.available,
      logger,
      onConnect: () => connected(),
    });
    const feature = new CommandsFeature({
      config: deviceConfig,
      connection,
      topics,
      pipeline: pipeline.port,
      alarm,
      logger,
    });
    feature.start();
    connection.start();
    await ready;
    // Subscriptions are sent at connect; a round trip through the broker makes sure they are in place.
    await sleep(100);
    running.push({ connection });
    return feature;
  };

  const send = async (topic: string, payload: string, options: { retain?: boolean } = {}): Promise<Reply> => {
    const since = observer.messages.length;
    await observer.publish(topic, payload, options.retain ?? false);
    const reply = await observer.next(
      (m) => m.topic.endsWith('/response') && replyOf(m).topic === topic,
      5000,
      since,
    );
    return replyOf(reply);
  };
  const sirenLevel = () => sysfsRead(gpio, SIREN, 'value');
  const refused = (reply: Reply, field: string | null) => {
    assert.equal(reply.ok, false, JSON.stringify(reply));
    assert.equal(reply.field, field, JSON.stringify(reply));
    assert.equal(typeof reply.error, 'string');
    assert.ok((reply.error ?? '').length > 10, reply.error);
  };

  let feature: CommandsFeature;

  before(async () => {
    await store.start();
    await alarm.start();
    feature = await commands(config);
  });

  it('switches detection and motion of a camera, on Vigil’s and on Frigate’s topics', async () => {
    const off = await send('vigil/porch/front/detect/set', 'OFF');
    assert.deepEqual(off, {
      topic: 'vigil/porch/front/detect/set',
      command: 'detect',
      ok: true,
      result: { camera: 'front', detect_enabled: false, motion_enabled: true },
    });
    assert.equal(pipeline.front.detectEnabled, false);

    const motion = await send('frigate/front/motion/set', 'OFF');
    assert.equal(motion.ok, true, JSON.stringify(motion));
    assert.equal(motion.command, 'motion');
    assert.equal(pipeline.front.motion.enabled, false);

    assert.equal((await send('vigil/porch/front/motion/set', 'ON')).ok, true);
    assert.equal((await send('frigate/front/detect/set', 'ON')).ok, true);
    assert.equal(pipeline.front.detectEnabled, true);
    assert.equal(pipeline.front.motion.enabled, true);
  });

  it('sounds the siren for a Home Assistant siren command and silences it', async () => {
    assert.equal(sirenLevel(), '0');
    const on = await send('vigil/porch/siren/set', JSON.stringify({ state: 'ON', duration: 5 }));
    assert.equal(on.ok, true, JSON.stringify(on));
    const output = on.result?.output as { name: string; active: boolean; active_until: number | null };
    assert.equal(output.name, 'siren');
    assert.equal(output.active, true);
    assert.ok(output.active_until !== null && output.active_until <= Date.now() + 5000);
    await eventually('the siren line high', () => sirenLevel() === '1');

    const off = await send('vigil/porch/siren/set', JSON.stringify({ state: 'OFF' }));
    assert.equal(off.ok, true, JSON.stringify(off));
    await eventually('the siren line low', () => sirenLevel() === '0');

    assert.equal((await send('vigil/porch/siren/set', 'ON')).ok, true, 'plain ON works too');
    await eventually('the siren line high', () => sirenLevel() === '1');
    assert.equal((await send('vigil/porch/siren/set', 'OFF')).ok, true);
    await eventually('the siren line low', () => sirenLevel() === '0');
    const audit = alarm.history(20).filter((row) => row.kind === 'gpio' && row.actor === 'mqtt');
    assert.ok(audit.length >= 4, JSON.stringify(alarm.history(20)));
  });

  it('switches the alarm mode from a plain name or JSON, with the audit trail naming MQTT', async () => {
    const away = await send('vigil/porch/alarm/set', 'away');
    assert.equal(away.ok, true, JSON.stringify(away));
    assert.equal(away.result?.mode, 'away');
    assert.equal(alarm.alarm().mode, 'away');

    const home = await send('vigil/porch/alarm/set', JSON.stringify({ mode: 'home', reason: 'back home' }));
    assert.equal(home.ok, true, JSON.stringify(home));
    assert.equal(alarm.alarm().mode, 'home');
    const [latest] = alarm.history(10).filter((row) => row.kind === 'alarm');
    assert.equal(latest?.actor, 'mqtt');
    assert.match(latest?.reason ?? '', /alarm\/set: back home/);
  });

  it('refuses every bad command with the field at fault, and changes nothing', async () => {
    const before = {
      front: structuredClone(pipeline.front),
      tuned: pipeline.tuned.length,
      mode: alarm.alarm().mode,
    };
    const cases: Array<[string, string, string | null]> = [
      ['vigil/porch/front/detect/set', 'MAYBE', 'payload'],
      ['vigil/porch/front/motion/set', '', 'payload'],
      ['frigate/front/detect/set', 'on please', 'payload'],
      ['vigil/porch/garage/detect/set', 'ON', 'camera'],
      ['vigil/porch/back/detect/set', 'OFF', 'camera'],
      ['vigil/porch/siren/set', JSON.stringify({ state: 'ON', duration: -1 }), 'duration'],
      ['vigil/porch/siren/set', JSON.stringify({ state: 'ON', duration: 'long' }), 'duration'],
      ['vigil/porch/siren/set', JSON.stringify({ state: 'LOUD' }), 'state'],
      ['vigil/porch/siren/set', JSON.stringify({ duration: 10 }), 'state'],
      ['vigil/porch/siren/set', JSON.stringify({ state: 'ON', colour: 'red' }), 'colour'],
      ['vigil/porch/siren/set', '{"state": "ON"', 'payload'],
      ['vigil/porch/siren/set', 'BLARE', 'state'],
      ['vigil/porch/alarm/set', 'party', 'mode'],
      ['vigil/porch/alarm/set', JSON.stringify({ mode: 3 }), 'mode'],
      ['vigil/porch/alarm/set', JSON.stringify({ reason: 'x' }), 'mode'],
      ['vigil/porch/alarm/set', JSON.stringify({ mode: 'away', when: 'now' }), 'when'],
      ['vigil/porch/alarm/set', 'x'.repeat(5000), 'payload'],
    ];
    for (const [topic, payload, field] of cases) {
      const reply = await send(topic, payload);
      refused(reply, field);
      if (field === 'state' || field === 'payload') assert.match(reply.error ?? '', /ON|OFF|JSON|bytes/);
    }
    assert.match((await send('vigil/porch/garage/detect/set', 'ON')).error ?? '', /cameras: front, back/);
    assert.match((await send('vigil/porch/alarm/set', 'party')).error ?? '', /home|away|disarmed/);
    assert.deepEqual(pipeline.front, before.front);
    assert.equal(pipeline.tuned.length, before.tuned);
    assert.equal(alarm.alarm().mode, before.mode);
    assert.equal(sirenLevel(), '0');
    assert.deepEqual(feature.health(), { commands: { enabled: true, accepted: 10, refused: 19 } });
  });

  it('refuses commands that mqtt.commands does not allow', async () => {
    await commands(
      configFor(text, {
        'device.id': 'limited',
        'mqtt.frigate_compat': false,
        'mqtt.commands.allow': ['alarm'],
      }),
    );
    await commands(
      configFor(text, {
        'device.id': 'locked',
        'mqtt.frigate_compat': false,
        'mqtt.commands.enabled': false,
      }),
    );
    const tuned = pipeline.tuned.length;
    const detect = await send('vigil/limited/front/detect/set', 'OFF');
    refused(detect, 'command');
    assert.match(detect.error ?? '', /not allowed .*allow: alarm/);
    refused(await send('vigil/limited/siren/set', 'ON'), 'command');
    assert.equal((await send('vigil/limited/alarm/set', 'away')).ok, true, 'alarm is allowed');
    const locked = await send('vigil/locked/alarm/set', 'home');
    refused(locked, 'command');
    assert.match(locked.error ?? '', /turned off/);
    assert.equal(alarm.alarm().mode, 'away', 'the locked device changed nothing');
    assert.equal(pipeline.tuned.length, tuned);
    assert.equal(sirenLevel(), '0');
    assert.equal((await send('vigil/porch/alarm/set', 'home')).ok, true);
  });

  it('answers on the MQTT 5 response topic with the correlation data', async () => {
    // An MQTT 5 requester, as a script or Node-RED would be: it names where to answer.
    const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    const answers: Array<{ payload: Buffer; packet: IPublishPacket }> = [];
    client.on('message', (topic, payload, packet) => {
      if (topic === 'replies/ha-1') answers.push({ payload, packet });
    });
    await client.subscribeAsync('replies/ha-1', { qos: 1 });
    const request = async (payload: string, correlationData: Buffer) => {
      const since = answers.length;
      await client.publishAsync('vigil/porch/alarm/set', payload, {
        qos: 1,
        properties: { responseTopic: 'replies/ha-1', correlationData },
      });
      await eventually('the answer on the response topic', () => answers.length > since, 5000);
      const answer = answers[since];
      assert.ok(answer);
      assert.deepEqual(answer.packet.properties?.correlationData, correlationData);
      return JSON.parse(answer.payload.toString('utf8')) as Reply;
    };
    try {
      const since = observer.messages.length;
      const ok = await request('away', Buffer.from('request-42'));
      assert.equal(ok.ok, true, JSON.stringify(ok));
      assert.equal(ok.command, 'alarm');
      assert.equal(alarm.alarm().mode, 'away');
      // And on the device's response topic as always.
      await observer.next((m) => m.topic === 'vigil/porch/response', 5000, since);

      const bad = await request('party', Buffer.from('request-43'));
      assert.equal(bad.ok, false);
      assert.equal(bad.field, 'mode');
    } finally {
      await client.endAsync();
    }
  });

  it('ignores a retained command instead of running it again at every connect', async () => {
    await observer.publish('vigil/retained/siren/set', 'ON', true);
    const since = observer.messages.length;
    await commands(configFor(text, { 'device.id': 'retained', 'mqtt.frigate_compat': false }));
    const reply = await observer.next((m) => m.topic === 'vigil/retained/response', 5000, since);
    refused(replyOf(reply), 'retain');
    await sleep(100);
    assert.equal(sirenLevel(), '0', 'the siren stayed off');
    await observer.publish('vigil/retained/siren/set', '', true);
  });
});
