import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { enrollDevice } from '../../../../runtime/central/deviceKeys';
import { eventToJson } from '../../../../runtime/domain/eventJson';
import { type Ack, decodeAck, signSyncBody } from '../../../../runtime/mqtt/sync/syncMessages';
import { startBroker } from '../../../helpers/mosquitto';
import { MqttObserver } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil } from '../../events/e2e/e2eKit';
import { makeEvent } from '../../rules/ruleTestKit';
import { central } from './syncKit';

/** A batch as an appliance sends it (its events numbered from `from`, nothing acknowledged before). */
function batch(device: string, from: number, count: number, camera = 'front') {
  return {
    v: 2 as const,
    device,
    acked_through: from - 1,
    batch: randomUUID(),
    sent_at: Date.now(),
    events: Array.from({ length: count }, (_, i) => ({
      seq: from + i,
      event: eventToJson(
        makeEvent({
          id: `${device}-ev-${from + i}`,
          type: 'sensor',
          timestamp: 1_700_000_000_000 + (from + i) * 1000,
          camera,
          severity: 'info',
          label: 'pir',
          data: { n: from + i },
        }),
      ),
    })),
  };
}

async function devices(base: string) {
  return (
    (await (await fetch(`${base}/api/v1/devices`)).json()) as {
      devices: Array<{ id: string; events: number }>;
    }
  ).devices;
}

/** Device keys of the devices the tests pose as, enrolled on every receiver made here. */
const KEYS = new Map<string, Buffer>();

function keyOf(device: string): Buffer {
  let key = KEYS.get(device);
  if (!key) {
    key = randomBytes(32);
    KEYS.set(device, key);
  }
  return key;
}

/** The payload an appliance publishes: the batch signed with the device's key for its events topic. */
function signedBatch(value: ReturnType<typeof batch>, gzip = false, key = keyOf(value.device)): Buffer {
  return signSyncBody(`vigil/${value.device}/events`, Buffer.from(JSON.stringify(value)), key, gzip);
}

function ackOf(device: string, message: { topic: string; payload: Buffer }): Ack {
  return decodeAck(message.topic, message.payload, keyOf(device));
}

/** A `vigil central` with `devices` enrolled (as `vigil central enroll` does). */
async function enrolledCentral(brokerUrl: string, devices: string[]) {
  const receiver = await central(tempDir(), brokerUrl);
  for (const device of devices) enrollDevice(receiver.dataDir, device, keyOf(device).toString('base64url'));
  return receiver;
}

/** A broker, one `vigil central`, and a plain client playing the appliance, listening for acks. */
async function oneReceiver() {
  const broker = await startBroker();
  const receiver = await enrolledCentral(broker.url, ['porch']);
  const process = await receiver.start();
  const appliance = await MqttObserver.connect(broker.url);
  await appliance.subscribe('vigil/+/ack');
  return { broker, receiver, process, appliance };
}

describe('vigil central', () => {
  test('stores a batch once, acknowledges every copy of it, and takes gzip', async () => {
    const { broker, receiver, process, appliance } = await oneReceiver();

    const first = batch('porch', 1, 5);
    await appliance.publish('vigil/porch/events', signedBatch(first));
    await appliance.publish('vigil/porch/events', signedBatch(first)); // the ack was lost: sent again
    await appliance.publish('vigil/porch/events', signedBatch(batch('porch', 6, 3), true));
    const acks = await appliance.count((m) => m.topic === 'vigil/porch/ack', 3);
    const parsed = acks.map((m) => ackOf('porch', m));
    assert.deepEqual(
      parsed[0]?.ids,
      first.events.map((e) => e.event.id),
    );
    assert.deepEqual(parsed[1], parsed[0], 'the repeat is acknowledged the same way');
    assert.equal(parsed[2]?.ids.length, 3);

    assert.deepEqual(
      (await devices(receiver.base)).map((d) => [d.id, d.events]),
      [['porch', 8]],
    );
    const page = (await (await fetch(`${receiver.base}/api/v1/events?device=porch&limit=5`)).json()) as {
      events: Array<{ seq: number; event: { id: string; timestamp: string } }>;
      next: number;
    };
    assert.deepEqual(
      page.events.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    assert.equal(page.events[0]?.event.timestamp, first.events[0]?.event.timestamp);
    const rest = (await (
      await fetch(`${receiver.base}/api/v1/events?device=porch&after=${page.next}`)
    ).json()) as {
      events: Array<{ seq: number }>;
      next: number | null;
    };
    assert.deepEqual(
      rest.events.map((e) => e.seq),
      [6, 7, 8],
    );
    assert.equal(rest.next, null);

    const bad = await fetch(`${receiver.base}/api/v1/events?limit=0`);
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /limit/);

    assert.equal(await stopVigil(process), 0);
    await broker.stop();
  });

  test('a malformed, unsigned, forged or unenrolled batch is not acknowledged and changes nothing; the next good one is stored', async () => {
    const { broker, receiver, process, appliance } = await oneReceiver();

    const wrongDevice = batch('someone-else', 1, 2);
    const noTimestamp = batch('porch', 1, 1);
    for (const e of noTimestamp.events) e.event.timestamp = 'yesterday';
    const good = batch('porch', 1, 2);
    const refused: Array<[string, Buffer]> = [
      ['vigil/porch/events', Buffer.from('not json')],
      ['vigil/porch/events', Buffer.from(JSON.stringify(good))], // unsigned
      ['vigil/porch/events', signedBatch(good, false, randomBytes(32))], // another key
      // Signed by porch for its own topic, but saying it is someone else.
      [
        'vigil/porch/events',
        signSyncBody('vigil/porch/events', Buffer.from(JSON.stringify(wrongDevice)), keyOf('porch'), false),
      ],
      ['vigil/porch/events', signedBatch(noTimestamp)],
      [
        'vigil/porch/events',
        signedBatch({
          ...good,
          acked_through: 0,
          events: good.events.map((e) => ({ ...e, seq: e.seq + 999_999 })),
        }),
      ],
      ['vigil/intruder/events', signedBatch(batch('intruder', 1, 1))], // not enrolled
    ];
    for (const [topic, payload] of refused) await appliance.publish(topic, payload);
    await appliance.publish('vigil/porch/events', signedBatch(good));
    const [rejection, ack] = await appliance.count((m) => m.topic === 'vigil/porch/ack', 2);
    // The signed batch with a bad timestamp is answered with a signed rejection naming the field
    // (the appliance dead-letters it after mqtt.sync.max_attempts); nothing else refused is answered.
    const rejected = ackOf('porch', rejection as { topic: string; payload: Buffer });
    assert.equal(rejected.batch, noTimestamp.batch);
    assert.deepEqual(rejected.ids, []);
    assert.equal(rejected.rejected?.field, 'events.0.event.timestamp');
    assert.equal(ackOf('porch', ack as { topic: string; payload: Buffer }).ids.length, 2);
    assert.equal(
      appliance.messages.filter((m) => m.topic.endsWith('/ack')).length,
      2,
      'only the good batch is acked, and only the batch holding an invalid event is rejected',
    );
    assert.deepEqual(
      (await devices(receiver.base)).map((d) => [d.id, d.events]),
      [['porch', 2]],
      'the intruder is not a device, and nothing of a refused batch was stored',
    );
    // One warning per device and reason a minute (a flood of forgeries must not flood the log); every one is counted.
    const reasons = process.logs
      .filter((l) => l.msg === 'refused a batch: not stored, not acknowledged')
      .map((l) => l.reason);
    assert.deepEqual(reasons, ['signature', 'invalid', 'sequence', 'not_enrolled']);
    const metrics = await (await fetch(`${receiver.base}/metrics`)).text();
    for (const [reason, count] of [
      ['signature', 3],
      ['invalid', 2],
      ['sequence', 1],
      ['not_enrolled', 1],
    ])
      assert.match(
        metrics,
        new RegExp(`vigil_central_batches_rejected_total\\{reason="${reason}"\\} ${count}\\n`),
      );
    assert.equal(await stopVigil(process), 0);
    await broker.stop();
  });

  test('a retained batch is never taken: it would come back at every connect', async () => {
    const broker = await startBroker();
    const appliance = await MqttObserver.connect(broker.url);
    await appliance.subscribe('vigil/+/ack');
    await appliance.publish('vigil/porch/events', signedBatch(batch('porch', 1, 2)), true);
    const receiver = await enrolledCentral(broker.url, ['porch']);
    const process = await receiver.start();
    await process.waitForLog(
      (l) => l.msg === 'refused a batch: not stored, not acknowledged' && l.reason === 'retained',
    );
    assert.deepEqual(await devices(receiver.base), []);
    assert.equal(appliance.messages.filter((m) => m.topic.endsWith('/ack')).length, 0);
    await appliance.publish('vigil/porch/events', '', true);
    assert.equal(await stopVigil(process), 0);
    await broker.stop();
  });

  test('receivers in one share group split the batches: each stored exactly once between them', async () => {
    const broker = await startBroker();
    const piDevices = ['pi-0', 'pi-1', 'pi-2', 'pi-3'];
    const receivers = [
      await enrolledCentral(broker.url, piDevices),
      await enrolledCentral(broker.url, piDevices),
    ];
    const processes = [];
    for (const receiver of receivers) processes.push(await receiver.start());
    const appliance = await MqttObserver.connect(broker.url);
    await appliance.subscribe('vigil/+/ack');
    const sent: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const device = `pi-${i % 4}`;
      const b = batch(device, Math.floor(i / 4) * 10 + 1, 10);
      sent.push(...b.events.map((e) => e.event.id));
      await appliance.publish(`vigil/${device}/events`, signedBatch(b));
    }
    await appliance.count((m) => m.topic.endsWith('/ack'), 20);
    const counts = await Promise.all(
      receivers.map(async (r) => (await devices(r.base)).reduce((sum, d) => sum + d.events, 0)),
    );
    const total = counts.reduce((a, b) => a + b, 0);
    assert.equal(total, sent.length, `stored ${counts.join(' + ')} of ${sent.length}`);
    assert.ok(
      counts.every((n) => n > 0),
      `one receiver got everything: ${counts.join(' / ')}`,
    );
    for (const p of processes) assert.equal(await stopVigil(p), 0);
    await broker.stop();
  });
});
