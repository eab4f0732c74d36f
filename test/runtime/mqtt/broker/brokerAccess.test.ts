import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { connectAsync, type ErrorWithReasonCode } from 'mqtt';
import { BROKER_MAX_PACKET_BYTES } from '../../../../runtime/mqtt/broker/packetLimit';
import { MAX_SIGNED_BATCH_BYTES } from '../../../../runtime/mqtt/sync/syncMessages';
import type { MqttObserver, Seen } from '../../../helpers/mqttObserver';
import { type LockedBroker, lockedBroker } from './aclKit';

/** MQTT 5's "Not authorized" (0x87): mosquitto's answer to a login it refuses and to a PUBLISH its ACL denies. */
const NOT_AUTHORIZED = 135;
/** MQTT 3.1.1's CONNACK "not authorized" (5): mosquitto's answer to a refused login there. */
const V311_NOT_AUTHORIZED = 5;

/** The reason code a login was refused with. */
async function refusal(
  url: string,
  options: Parameters<typeof connectAsync>[1],
): Promise<number | undefined> {
  try {
    const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    await client.endAsync(true);
    return undefined;
  } catch (err) {
    return (err as ErrorWithReasonCode).code;
  }
}

/** The reason code of the PUBACK (0: accepted). */
async function publishResult(client: MqttObserver, topic: string, payload = 'x'): Promise<number> {
  try {
    await client.publish(topic, payload);
    return 0;
  } catch (err) {
    return (err as ErrorWithReasonCode).code ?? -1;
  }
}

/** Everyone on one broker: setup at the top level, so that the clients live as long as the file (`after`). */
const locked: LockedBroker = await lockedBroker(['front-pi', 'back-pi'], {
  mqtt: 'frigate_compat: true',
  producers: ['door-sensors'],
});
after(() => locked.broker.stop());

/** An appliance's client, subscribed to what vigil run subscribes to. */
async function appliance(id: string): Promise<MqttObserver> {
  const client = await locked.login(id);
  for (const filter of [
    `vigil/${id}/ack`,
    `vigil/${id}/+/set`,
    `vigil/${id}/+/+/set`,
    `vigil/${id}/events/ingest`,
    'homeassistant/status',
    'frigate/+/detect/set',
    'frigate/+/motion/set',
  ])
    assert.equal(await client.subscribe(filter), 1, filter);
  return client;
}

const front = await appliance('front-pi');
const back = await appliance('back-pi');
/** vigil central on its shared subscription. */
const central = await locked.login('vigil-central');
assert.equal(await central.subscribe('$share/vigil-central/vigil/+/events'), 1);
/** Home Assistant, subscribed to everything its integration reads. */
const ha = await locked.login('homeassistant');
for (const filter of ['vigil/#', 'homeassistant/#', 'frigate/#']) assert.equal(await ha.subscribe(filter), 1);

describe('a broker locked down by vigil mqtt-acl (real mosquitto)', () => {
  /**
   * Publishes `marker` as `by` (allowed to) and waits until `to` has it. Whatever `to` should have
   * received before then has arrived: mosquitto routes a message before it acknowledges it, and
   * delivers to each client in order.
   */
  async function settled(to: MqttObserver, by: MqttObserver, marker: string): Promise<Seen[]> {
    const payload = `marker-${Math.random()}`;
    await by.publish(marker, payload);
    await to.next((m) => m.topic === marker && String(m.payload) === payload);
    return to.messages;
  }

  const seenOn = (messages: Seen[], topic: string, payload?: string) =>
    messages.filter((m) => m.topic === topic && (payload === undefined || String(m.payload) === payload));

  test('refuses anonymous clients, wrong passwords, unknown users and one login used as another', async () => {
    const { url } = locked.broker;
    assert.equal(await refusal(url, { protocolVersion: 5 }), NOT_AUTHORIZED);
    assert.equal(await refusal(url, { protocolVersion: 4 }), V311_NOT_AUTHORIZED);
    assert.equal(
      await refusal(url, { protocolVersion: 5, username: 'front-pi', password: 'not-the-password' }),
      NOT_AUTHORIZED,
    );
    assert.equal(
      await refusal(url, { protocolVersion: 4, username: 'front-pi', password: 'not-the-password' }),
      V311_NOT_AUTHORIZED,
    );
    assert.equal(
      await refusal(url, { protocolVersion: 5, username: 'mallory', password: locked.password('front-pi') }),
      NOT_AUTHORIZED,
    );
    assert.equal(
      await refusal(url, { protocolVersion: 5, username: 'back-pi', password: locked.password('front-pi') }),
      NOT_AUTHORIZED,
    );
    assert.equal(
      await refusal(url, { protocolVersion: 5, username: 'front-pi', password: locked.password('front-pi') }),
      undefined,
      'the right password logs in',
    );
  });

  test('an appliance publishes its events, states and discovery, and reads its acks and commands', async () => {
    assert.equal(await publishResult(front, 'vigil/front-pi/events', 'batch-1'), 0);
    await central.next((m) => m.topic === 'vigil/front-pi/events' && String(m.payload) === 'batch-1');
    for (const topic of [
      'vigil/front-pi/available',
      'vigil/front-pi/state',
      'vigil/front-pi/alarm/state',
      'vigil/front-pi/yard/motion',
      'vigil/front-pi/yard/detect/state',
      'vigil/front-pi/response',
      'homeassistant/binary_sensor/vigil_front-pi/yard_motion/config',
      'frigate/available',
      'frigate/events',
      'frigate/yard/person',
      'frigate/yard/person/active',
      'frigate/yard/person/snapshot',
      'frigate/yard/motion',
      'frigate/yard/detect/state',
    ]) {
      assert.equal(await publishResult(front, topic, 'from-front'), 0, topic);
      await ha.next((m) => m.topic === topic && String(m.payload) === 'from-front');
    }

    assert.equal(await publishResult(central, 'vigil/front-pi/ack', 'ack-1'), 0);
    await front.next((m) => m.topic === 'vigil/front-pi/ack' && String(m.payload) === 'ack-1');
    for (const topic of [
      'vigil/front-pi/alarm/set',
      'vigil/front-pi/siren/set',
      'vigil/front-pi/yard/detect/set',
      'vigil/front-pi/yard/motion/set',
      'homeassistant/status',
      'frigate/yard/detect/set',
      'frigate/yard/motion/set',
    ]) {
      assert.equal(await publishResult(ha, topic, 'from-ha'), 0, topic);
      await front.next((m) => m.topic === topic && String(m.payload) === 'from-ha');
    }
  });

  test("an appliance cannot publish another appliance's topics, acks or commands, nor Home Assistant's or Frigate's commands", async () => {
    const forbidden = [
      'vigil/back-pi/events',
      'vigil/back-pi/ack',
      'vigil/back-pi/state',
      'vigil/back-pi/available',
      'vigil/back-pi/alarm/set',
      'vigil/back-pi/siren/set',
      'vigil/back-pi/yard/detect/set',
      'homeassistant/binary_sensor/vigil_back-pi/yard_motion/config',
      'homeassistant/status',
      'frigate/yard/detect/set',
      'frigate/yard/motion/set',
    ];
    // MQTT 5: the PUBACK says "not authorized".
    for (const topic of forbidden)
      assert.equal(await publishResult(front, topic, 'forged'), NOT_AUTHORIZED, topic);
    // MQTT 3.1.1 has no reason codes: the PUBACK is a success, and the message is dropped all the same.
    const front311 = await locked.login('front-pi', { protocolVersion: 4 });
    for (const topic of forbidden) assert.equal(await publishResult(front311, topic, 'forged-311'), 0, topic);
    await front311.end();

    const forged = (messages: Seen[]) => messages.filter((m) => String(m.payload).startsWith('forged'));
    assert.deepEqual(forged(await settled(back, ha, 'vigil/back-pi/alarm/set')), []);
    assert.deepEqual(forged(await settled(central, back, 'vigil/back-pi/events')), []);
    assert.deepEqual(forged(await settled(ha, back, 'vigil/back-pi/state')), []);
  });

  test("an appliance cannot read another appliance's events, acks, commands or retained state", async () => {
    await back.publish('vigil/back-pi/available', 'online', true);
    const snoop = await locked.login('front-pi');
    // mosquitto 2's acl_file does not check SUBSCRIBE: it grants it, and checks every message it
    // would deliver against `read` instead.
    assert.equal(await snoop.subscribe('vigil/back-pi/#'), 1);
    assert.equal(await snoop.subscribe('vigil/+/events'), 1);
    assert.equal(await snoop.subscribe('homeassistant/status'), 1);

    assert.equal(await publishResult(back, 'vigil/back-pi/events', 'batch-of-back'), 0);
    assert.equal(await publishResult(central, 'vigil/back-pi/ack', 'ack-of-back'), 0);
    assert.equal(await publishResult(ha, 'vigil/back-pi/alarm/set', 'command-to-back'), 0);
    // back-pi itself gets its ack and command.
    await back.next((m) => m.topic === 'vigil/back-pi/ack' && String(m.payload) === 'ack-of-back');
    await back.next((m) => m.topic === 'vigil/back-pi/alarm/set' && String(m.payload) === 'command-to-back');

    const seen = await settled(snoop, ha, 'homeassistant/status');
    assert.deepEqual(
      seen.filter((m) => m.topic.startsWith('vigil/')).map((m) => m.topic),
      [],
      'front-pi saw nothing of back-pi, not even its retained availability',
    );
    await snoop.end();
  });

  test("the central server reads every appliance's events and acknowledges them, and can do nothing else", async () => {
    assert.equal(await publishResult(back, 'vigil/back-pi/events', 'batch-b'), 0);
    await central.next((m) => m.topic === 'vigil/back-pi/events' && String(m.payload) === 'batch-b');
    assert.equal(await publishResult(central, 'vigil/back-pi/ack', 'ack-b'), 0);
    await back.next((m) => m.topic === 'vigil/back-pi/ack' && String(m.payload) === 'ack-b');

    for (const topic of [
      'vigil/front-pi/alarm/set',
      'vigil/front-pi/yard/detect/set',
      'vigil/front-pi/events',
      'vigil/front-pi/state',
      'homeassistant/status',
      'frigate/yard/detect/set',
    ])
      assert.equal(await publishResult(central, topic, 'from-central'), NOT_AUTHORIZED, topic);

    const wide = await locked.login('vigil-central');
    assert.equal(await wide.subscribe('#'), 1);
    assert.equal(await publishResult(front, 'vigil/front-pi/state', 'state-for-central'), 0);
    const seen = await settled(wide, front, 'vigil/front-pi/events');
    assert.deepEqual(seenOn(seen, 'vigil/front-pi/state', 'state-for-central'), []);
    assert.deepEqual(
      seen.filter((m) => !m.topic.endsWith('/events')).map((m) => m.topic),
      [],
      'the central server reads event batches only',
    );
    await wide.end();
  });

  test('Home Assistant sends commands and reads states, but cannot forge events, acks, states or discovery, nor read the event batches', async () => {
    for (const topic of [
      'vigil/front-pi/events',
      'vigil/front-pi/ack',
      'vigil/front-pi/state',
      'vigil/front-pi/available',
      'vigil/front-pi/alarm/state',
      'homeassistant/binary_sensor/vigil_front-pi/yard_motion/config',
      'frigate/events',
    ])
      assert.equal(await publishResult(ha, topic, 'forged-by-ha'), NOT_AUTHORIZED, topic);

    assert.equal(await publishResult(front, 'vigil/front-pi/events', 'batch-not-for-ha'), 0);
    assert.equal(await publishResult(central, 'vigil/front-pi/ack', 'ack-not-for-ha'), 0);
    const seen = await settled(ha, front, 'vigil/front-pi/state');
    assert.deepEqual(seenOn(seen, 'vigil/front-pi/events', 'batch-not-for-ha'), []);
    assert.deepEqual(seenOn(seen, 'vigil/front-pi/ack', 'ack-not-for-ha'), []);
    await central.next(
      (m) => m.topic === 'vigil/front-pi/events' && String(m.payload) === 'batch-not-for-ha',
    );
  });

  test("an event producer publishes signed batches on the appliances' ingest topics and reads their answers, and can do nothing else", async () => {
    const producer = await locked.login('door-sensors');
    assert.equal(await producer.subscribe('vigil/+/events/ingest/reply'), 1);
    for (const id of ['front-pi', 'back-pi']) {
      const to = id === 'front-pi' ? front : back;
      assert.equal(await publishResult(producer, `vigil/${id}/events/ingest`, `batch-for-${id}`), 0);
      await to.next(
        (m) => m.topic === `vigil/${id}/events/ingest` && String(m.payload) === `batch-for-${id}`,
      );
      assert.equal(await publishResult(to, `vigil/${id}/events/ingest/reply`, `reply-of-${id}`), 0);
      await producer.next(
        (m) => m.topic === `vigil/${id}/events/ingest/reply` && String(m.payload) === `reply-of-${id}`,
      );
    }
    for (const topic of [
      'vigil/front-pi/events',
      'vigil/front-pi/ack',
      'vigil/front-pi/state',
      'vigil/front-pi/alarm/set',
      'vigil/front-pi/siren/set',
      'vigil/front-pi/yard/detect/set',
      'vigil/front-pi/events/ingest/reply',
      'homeassistant/status',
      'frigate/yard/detect/set',
    ])
      assert.equal(await publishResult(producer, topic, 'forged-by-producer'), NOT_AUTHORIZED, topic);

    assert.equal(await producer.subscribe('#'), 1);
    assert.equal(await publishResult(front, 'vigil/front-pi/state', 'state-not-for-producer'), 0);
    assert.equal(await publishResult(front, 'vigil/front-pi/events', 'batch-not-for-producer'), 0);
    const seen = await settled(producer, front, 'vigil/front-pi/events/ingest/reply');
    assert.deepEqual(
      seen.filter((m) => !m.topic.endsWith('/events/ingest/reply')).map((m) => m.topic),
      [],
      'a producer reads the ingest answers only',
    );
    await producer.end();
  });

  test('the packet limit lets the largest sync batch through and refuses a larger packet before reading it', async () => {
    const limit = BROKER_MAX_PACKET_BYTES;
    // The largest signed sync batch the appliance makes, in one PUBLISH.
    const batch = Buffer.alloc(MAX_SIGNED_BATCH_BYTES, 0x61);
    await front.publish('vigil/front-pi/events', batch);
    await central.next((m) => m.topic === 'vigil/front-pi/events' && m.payload.length === batch.length);

    const greedy = await connectAsync(locked.broker.url, {
      username: 'front-pi',
      password: locked.password('front-pi'),
      reconnectPeriod: 0,
    });
    greedy.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => greedy.once('close', () => resolve()));
    // The broker closes the connection, so this publish never completes.
    greedy.publish('vigil/front-pi/events', Buffer.alloc(limit), { qos: 1 });
    await closed;
    greedy.end(true);
    // The broker says why; its log may reach us a moment after the connection closed.
    const deadline = Date.now() + 5000;
    while (!/disconnected due to oversize packet/.test(locked.broker.log()) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(locked.broker.log(), /Client \S+ disconnected due to oversize packet/);
  });
});
