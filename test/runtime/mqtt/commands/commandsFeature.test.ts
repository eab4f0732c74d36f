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
import { signCommand } from '../../../../runtime/mqtt/commands/commandAuth';
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
const CODE = '4711';
const SECRET = 'a-secret-of-at-least-32-characters-!!';

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
    `mqtt: { enabled: true, url: '${broker.url}', frigate_compat: true, commands: { code: '${CODE}', secret: '${SECRET}', unsigned: [detect, motion] } }`,
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
      maxPacketBytes: 1024 * 1024,
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

  /** Publishes a command (signed with the secret when `signed`) and returns the appliance's reply. */
  const send = async (
    topic: string,
    payload: string,
    options: { retain?: boolean; signed?: boolean } = {},
  ): Promise<Reply> => {
    const since = observer.messages.length;
    const body = options.signed ? JSON.stringify(signCommand(topic, payload, SECRET)) : payload;
    await observer.publish(topic, body, options.retain ?? false);
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

  before(async () => {
    await store.start();
    await alarm.start();
    await commands(config);
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

  it('sounds the siren for a signed command and silences it; a bare broker client cannot', async () => {
    assert.equal(sirenLevel(), '0');
    const bare = await send('vigil/porch/siren/set', JSON.stringify({ state: 'ON', duration: 60 }));
    refused(bare, 'sig');
    assert.match(bare.error ?? '', /needs a signature/);
    refused(await send('vigil/porch/siren/set', 'ON'), 'sig');
    await sleep(100);
    assert.equal(sirenLevel(), '0', 'the unsigned commands changed nothing');

    const on = await send('vigil/porch/siren/set', JSON.stringify({ state: 'ON', duration: 5 }), {
      signed: true,
    });
    assert.equal(on.ok, true, JSON.stringify(on));
    const output = on.result?.output as { name: string; active: boolean; active_until: number | null };
    assert.equal(output.name, 'siren');
    assert.equal(output.active, true);
    assert.ok(output.active_until !== null && output.active_until <= Date.now() + 5000);
    await eventually('the siren line high', () => sirenLevel() === '1');
    refused(await send('vigil/porch/siren/set', JSON.stringify({ state: 'OFF' })), 'sig');
    assert.equal(sirenLevel(), '1', 'nor can it silence the siren');

    const off = await send('vigil/porch/siren/set', JSON.stringify({ state: 'OFF' }), { signed: true });
    assert.equal(off.ok, true, JSON.stringify(off));
    await eventually('the siren line low', () => sirenLevel() === '0');
    assert.equal(
      (await send('vigil/porch/siren/set', 'ON', { signed: true })).ok,
      true,
      'plain ON works signed',
    );
    await eventually('the siren line high', () => sirenLevel() === '1');
    assert.equal((await send('vigil/porch/siren/set', 'OFF', { signed: true })).ok, true);
    await eventually('the siren line low', () => sirenLevel() === '0');
    const audit = alarm.history(20).filter((row) => row.kind === 'gpio' && row.actor === 'mqtt');
    assert.ok(audit.length >= 4, JSON.stringify(alarm.history(20)));
  });

  it('a signature is taken once, within the window, for its own topic', async () => {
    const topic = 'vigil/porch/siren/set';
    const envelope = signCommand(topic, 'OFF', SECRET);
    const sendRaw = async (t: string, body: unknown) => {
      const since = observer.messages.length;
      await observer.publish(t, JSON.stringify(body));
      return replyOf(
        await observer.next((m) => m.topic.endsWith('/response') && replyOf(m).topic === t, 5000, since),
      );
    };
    assert.equal((await sendRaw(topic, envelope)).ok, true);
    refused(await sendRaw(topic, envelope), 'nonce');
    refused(await sendRaw(topic, signCommand(topic, 'OFF', SECRET, Date.now() - 120_000)), 'ts');
    refused(await sendRaw(topic, signCommand(topic, 'OFF', 'another-secret-of-at-least-32-chars!!')), 'sig');
    // Signed for the siren, replayed as an alarm command: the topic is inside the signature.
    refused(await sendRaw('vigil/porch/alarm/set', signCommand(topic, 'disarmed', SECRET)), 'sig');
    refused(await sendRaw(topic, { ...signCommand(topic, 'OFF', SECRET), payload: 'ON' }), 'sig');
  });

  it('switches the alarm mode from a signed name or JSON, with the audit trail naming MQTT; unsigned it is refused', async () => {
    const bare = await send('vigil/porch/alarm/set', 'disarmed');
    refused(bare, 'sig');
    assert.match(bare.error ?? '', /alarm code|signed/);
    assert.equal(alarm.alarm().mode, 'home', 'a bare broker client cannot disarm');

    const away = await send('vigil/porch/alarm/set', 'away', { signed: true });
    assert.equal(away.ok, true, JSON.stringify(away));
    assert.equal(away.result?.mode, 'away');
    assert.equal(alarm.alarm().mode, 'away');

    const home = await send('vigil/porch/alarm/set', JSON.stringify({ mode: 'home', reason: 'back home' }), {
      signed: true,
    });
    assert.equal(home.ok, true, JSON.stringify(home));
    assert.equal(alarm.alarm().mode, 'home');
    const [latest] = alarm.history(10).filter((row) => row.kind === 'alarm');
    assert.equal(latest?.actor, 'mqtt');
    assert.match(latest?.reason ?? '', /signed command on vigil\/porch\/alarm\/set: back home/);
  });

  it("Home Assistant's alarm panel arms, disarms and triggers with the code; a wrong code is refused and locks out", async () => {
    const panel = (action: string, code?: string) =>
      send('vigil/porch/alarm/set', JSON.stringify(code === undefined ? { action } : { action, code }));
    assert.equal((await panel('ARM_AWAY', CODE)).ok, true);
    assert.equal(alarm.alarm().mode, 'away');
    refused(await panel('DISARM'), 'code');
    refused(await panel('DISARM', '0000'), 'code');
    assert.equal(alarm.alarm().mode, 'away');

    const trigger = await panel('TRIGGER', CODE);
    assert.equal(trigger.ok, true, JSON.stringify(trigger));
    await eventually('the siren line high', () => sirenLevel() === '1');
    const disarm = await panel('DISARM', CODE);
    assert.equal(disarm.ok, true, JSON.stringify(disarm));
    assert.equal(alarm.alarm().mode, 'disarmed');
    await eventually('disarming silences the siren', () => sirenLevel() === '0');
    refused(await panel('ARM_NIGHT', CODE), 'action');
    refused(await panel('EXPLODE', CODE), 'action');
    refused(await send('vigil/porch/siren/set', JSON.stringify({ action: 'TRIGGER', code: CODE })), 'action');

    // Five wrong codes within a minute: even the right one waits a minute.
    for (let i = 0; i < 3; i += 1) refused(await panel('ARM_HOME', `99${i}9`), 'code');
    const locked = await panel('ARM_HOME', CODE);
    refused(locked, 'code');
    assert.match(locked.error ?? '', /too many wrong codes/);
    assert.equal(alarm.alarm().mode, 'disarmed');
    assert.equal(
      (await send('vigil/porch/alarm/set', 'home', { signed: true })).ok,
      true,
      'signed still works',
    );
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
    ];
    for (const [topic, payload, field] of cases) {
      const reply = await send(topic, payload, { signed: true });
      refused(reply, field);
      if (field === 'state' || field === 'payload') assert.match(reply.error ?? '', /ON|OFF|JSON|bytes/);
    }
    refused(await send('vigil/porch/alarm/set', 'x'.repeat(5000)), 'payload');
    assert.match((await send('vigil/porch/garage/detect/set', 'ON')).error ?? '', /cameras: front, back/);
    assert.match(
      (await send('vigil/porch/alarm/set', 'party', { signed: true })).error ?? '',
      /home|away|disarmed/,
    );
    assert.deepEqual(pipeline.front, before.front);
    assert.equal(pipeline.tuned.length, before.tuned);
    assert.equal(alarm.alarm().mode, before.mode);
    assert.equal(sirenLevel(), '0');
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
    assert.equal(
      (await send('vigil/limited/alarm/set', 'away', { signed: true })).ok,
      true,
      'alarm is allowed',
    );
    const locked = await send('vigil/locked/alarm/set', 'home', { signed: true });
    refused(locked, 'command');
    assert.match(locked.error ?? '', /turned off/);
    assert.equal(alarm.alarm().mode, 'away', 'the locked device changed nothing');
    assert.equal(pipeline.tuned.length, tuned);
    assert.equal(sirenLevel(), '0');
    assert.equal((await send('vigil/porch/alarm/set', 'home', { signed: true })).ok, true);
  });

  it('without a code or a secret configured nothing is obeyed: not the alarm, not the siren, not the cameras', async () => {
    const bare = configFor(text, { 'device.id': 'unconfigured', 'mqtt.frigate_compat': false });
    bare.mqtt.commands = { ...bare.mqtt.commands, code: undefined, secret: undefined, unsigned: [] };
    await commands(bare);
    const mode = alarm.alarm().mode;
    const tuned = pipeline.tuned.length;
    refused(await send('vigil/unconfigured/alarm/set', 'disarmed'), 'sig');
    refused(
      await send('vigil/unconfigured/alarm/set', JSON.stringify({ action: 'DISARM', code: CODE })),
      'code',
    );
    refused(await send('vigil/unconfigured/siren/set', 'ON', { signed: true }), 'sig');
    refused(await send('vigil/unconfigured/front/detect/set', 'OFF'), 'sig');
    assert.equal(alarm.alarm().mode, mode);
    assert.equal(pipeline.tuned.length, tuned);
    assert.equal(sirenLevel(), '0');
  });

  it("answers on an MQTT 5 response topic under the device's own, with the correlation data, and nowhere else", async () => {
    // An MQTT 5 requester, as a script or Node-RED would be: it names where to answer.
    const client = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    const answers: Array<{ topic: string; payload: Buffer; packet: IPublishPacket }> = [];
    client.on('message', (topic, payload, packet) => answers.push({ topic, payload, packet }));
    await client.subscribeAsync(['vigil/porch/replies/ha-1', 'homeassistant/#', 'replies/#'], { qos: 1 });
    const request = async (payload: string, responseTopic: string, correlationData: Buffer) => {
      const since = observer.messages.length;
      const topic = 'vigil/porch/alarm/set';
      await client.publishAsync(topic, JSON.stringify(signCommand(topic, payload, SECRET)), {
        qos: 1,
        properties: { responseTopic, correlationData },
      });
      // The device's response topic always gets the answer.
      return replyOf(await observer.next((m) => m.topic === 'vigil/porch/response', 5000, since));
    };
    try {
      const ok = await request('away', 'vigil/porch/replies/ha-1', Buffer.from('request-42'));
      assert.equal(ok.ok, true, JSON.stringify(ok));
      await eventually('the answer on the response topic', () => answers.length > 0, 5000);
      const [answer] = answers;
      assert.equal(answer?.topic, 'vigil/porch/replies/ha-1');
      assert.deepEqual(answer?.packet.properties?.correlationData, Buffer.from('request-42'));
      assert.equal((JSON.parse(answer?.payload.toString('utf8') ?? '{}') as Reply).command, 'alarm');
      assert.equal(alarm.alarm().mode, 'away');

      const bad = await request('party', 'vigil/porch/replies/ha-1', Buffer.from('request-43'));
      assert.equal(bad.field, 'mode');
      // A reply aimed at Home Assistant's discovery (or anywhere outside vigil/porch/) is not sent.
      for (const elsewhere of ['homeassistant/siren/x/config', 'replies/ha-1']) {
        const reply = await request('home', elsewhere, Buffer.from('x'));
        assert.equal(reply.ok, true);
      }
      await sleep(300);
      assert.deepEqual(
        answers.map((a) => a.topic),
        ['vigil/porch/replies/ha-1', 'vigil/porch/replies/ha-1'],
        'no reply outside the device',
      );
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
