import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Config, loadConfig } from '../../../../runtime/config/index';
import { signCommand } from '../../../../runtime/mqtt/commands/commandAuth';
import { IngestFeature, type IngestReply } from '../../../../runtime/mqtt/ingest/ingestFeature';
import { MqttConnection } from '../../../../runtime/mqtt/mqttConnection';
import { VigilTopics } from '../../../../runtime/mqtt/vigilTopics';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver } from '../../../helpers/mqttObserver';
import { ingestKit } from '../../events/ingestKit';

const SECRET = 'an-ingest-secret-of-at-least-32-characters';
const TOPIC = 'vigil/porch/events/ingest';
const REPLY = 'vigil/porch/events/ingest/reply';
const MAX_BYTES = 64 * 1024;

function configFor(broker: Broker): Config {
  const loaded = loadConfig({
    env: {},
    text: [
      'device: { id: porch, name: Porch }',
      `mqtt: { enabled: true, url: '${broker.url}', ingest: { secret: '${SECRET}', max_bytes: ${MAX_BYTES} } }`,
    ].join('\n'),
  });
  assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.errors));
  return loaded.config;
}

const door = (id: string, state: string) => ({
  id,
  type: 'sensor',
  source: 'zigbee',
  label: 'door',
  data: { state },
});

// Async body: the broker must live as long as the suite, not just a hook.
describe('MQTT ingest topic against a real broker', async () => {
  after(async () => {
    await connection.stop();
    await observer.end();
    await broker.stop();
  });
  const broker = await startBroker();
  const observer = await MqttObserver.connect(broker.url);
  await observer.subscribe(REPLY);
  const kit = await ingestKit();
  const config = configFor(broker);
  const topics = new VigilTopics(config.mqtt.topic_prefix, config.device.id);
  const { logger } = memoryLogger();
  let connected: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const connection = new MqttConnection({
    config: config.mqtt,
    clientId: 'vigil-porch',
    maxPacketBytes: 1024 * 1024,
    logger,
    onConnect: () => connected(),
  });
  const feature = new IngestFeature({ config, connection, topics, events: kit.ingest, logger }, SECRET);

  before(async () => {
    feature.start();
    connection.start();
    await ready;
    await sleep(100);
  });

  /** Publishes `payload` (signed unless `raw`) and returns the reply to it. */
  const send = async (payload: string, options: { raw?: boolean; secret?: string; topic?: string } = {}) => {
    const since = observer.messages.length;
    const signed = signCommand(options.topic ?? TOPIC, payload, options.secret ?? SECRET);
    await observer.publish(TOPIC, options.raw ? payload : JSON.stringify(signed));
    const reply = await observer.next((m) => m.topic === REPLY, 5000, since);
    return { reply: JSON.parse(reply.payload.toString('utf8')) as IngestReply, signed };
  };

  it('stores a signed batch and answers per item, once durable, on the reply topic', async () => {
    const batch = [
      door('m-1', 'open'),
      door('m-2', 'open'),
      { ...door('m-3', 'ajar'), type: 'doorbell' },
      door('m-4', 'closed'),
    ];
    const { reply, signed } = await send(JSON.stringify(batch));
    assert.equal(reply.ok, true, JSON.stringify(reply));
    if (!reply.ok) return;
    assert.equal(reply.nonce, signed.nonce);
    assert.deepEqual(
      reply.results.map((r) => [r.index, r.status, r.status === 'error' ? r.field : r.id]),
      [
        [0, 'created', 'm-1'],
        [1, 'duplicate', 'm-1'],
        [2, 'error', 'type'],
        [3, 'created', 'm-4'],
      ],
    );
    // Answered only once durable: the rows are there when the reply is.
    assert.deepEqual(kit.db.prepare('SELECT id FROM events ORDER BY id').pluck().all(), ['m-1', 'm-4']);
    assert.deepEqual(kit.db.prepare('SELECT id FROM event_folds').pluck().all(), ['m-2']);
    const ndjson = await send(`${JSON.stringify(door('m-5', 'open'))}\n${JSON.stringify(door('m-6', 'x'))}`);
    assert.equal(ndjson.reply.ok && ndjson.reply.created, 2);
  });

  it('refuses, storing nothing: unsigned, a wrong secret, another topic, a replay, stale', async () => {
    const before = kit.count();
    const batch = JSON.stringify([door('r-1', 'open')]);
    const cases: Array<[string, () => Promise<{ reply: IngestReply }>, string]> = [
      ['unsigned', () => send(batch, { raw: true }), 'sig'],
      ['wrong secret', () => send(batch, { secret: 'x'.repeat(40) }), 'sig'],
      ['signed for another topic', () => send(batch, { topic: 'vigil/other/events/ingest' }), 'sig'],
    ];
    for (const [what, answer, field] of cases) {
      const { reply } = await answer();
      assert.equal(reply.ok, false, `${what}: ${JSON.stringify(reply)}`);
      if (!reply.ok) assert.equal(reply.field, field, what);
    }
    const stale = signCommand(TOPIC, batch, SECRET, Date.now() - 120_000);
    let since = observer.messages.length;
    await observer.publish(TOPIC, JSON.stringify(stale));
    const staleReply = JSON.parse(
      (await observer.next((m) => m.topic === REPLY, 5000, since)).payload.toString(),
    ) as IngestReply;
    assert.deepEqual([staleReply.ok, !staleReply.ok && staleReply.field], [false, 'ts']);
    assert.equal(kit.count(), before, 'a refused batch stored something');

    // The same signed message twice: the first is taken, the copy refused.
    const signed = JSON.stringify(signCommand(TOPIC, batch, SECRET));
    since = observer.messages.length;
    await observer.publish(TOPIC, signed);
    await observer.publish(TOPIC, signed);
    // The copy is refused at once, while the first waits to be durable: its answer may come first.
    const [first, copy] = (await observer.count((m) => m.topic === REPLY, 2, 5000, since))
      .map((m) => JSON.parse(m.payload.toString()) as IngestReply)
      .sort((a, b) => Number(b.ok) - Number(a.ok));
    assert.equal(first?.ok, true);
    assert.deepEqual([copy?.ok, copy && !copy.ok && copy.field], [false, 'nonce']);
    assert.equal(kit.count(), before + 1);
  });

  it('drops a message larger than mqtt.ingest.max_bytes unread', async () => {
    const before = kit.count();
    const big = JSON.stringify([{ ...door('big-1', 'open'), data: { pad: 'x'.repeat(MAX_BYTES) } }]);
    await observer.publish(TOPIC, JSON.stringify(signCommand(TOPIC, big, SECRET)));
    const since = observer.messages.length;
    // A small batch after it is answered; the big one never is.
    const { reply } = await send(JSON.stringify([{ ...door('after-big', 'open'), label: 'gate' }]));
    assert.equal(reply.ok, true);
    assert.equal(observer.messages.slice(since).filter((m) => m.topic === REPLY).length, 1);
    assert.equal(kit.count(), before + 1);
    assert.deepEqual(feature.health().ingest, {
      batches: 4,
      refused: 5,
      created: 6,
      duplicates: 1,
      errors: 1,
    });
  });
});
