import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { eventToJson } from '../../../../runtime/domain/eventJson';
import { startBroker } from '../../../helpers/mosquitto';
import { MqttObserver } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil } from '../../events/e2e/e2eKit';
import { makeEvent } from '../../rules/ruleTestKit';
import { central } from './syncKit';

/** A batch as an appliance sends it. */
function batch(device: string, from: number, count: number, camera = 'front') {
  return {
    v: 1,
    device,
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

interface AckMessage {
  batch: string;
  ids: string[];
}

async function devices(base: string) {
  return (
    (await (await fetch(`${base}/api/v1/devices`)).json()) as {
      devices: Array<{ id: string; events: number }>;
    }
  ).devices;
}

/** A broker, one `vigil central`, and a plain client playing the appliance, listening for acks. */
async function oneReceiver() {
  const broker = await startBroker();
  const receiver = await central(tempDir(), broker.url);
  const process = await receiver.start();
  const appliance = await MqttObserver.connect(broker.url);
  await appliance.subscribe('vigil/+/ack');
  return { broker, receiver, process, appliance };
}

describe('vigil central', () => {
  test('stores a batch once, acknowledges every copy of it, and takes gzip', async () => {
    const { broker, receiver, process, appliance } = await oneReceiver();

    const first = batch('porch', 1, 5);
    await appliance.publish('vigil/porch/events', JSON.stringify(first));
    await appliance.publish('vigil/porch/events', JSON.stringify(first)); // the ack was lost: sent again
    await appliance.publish('vigil/porch/events', gzipSync(JSON.stringify(batch('porch', 6, 3))));
    const acks = await appliance.count((m) => m.topic === 'vigil/porch/ack', 3);
    const parsed = acks.map((m) => JSON.parse(m.payload.toString()) as AckMessage);
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

  test('a malformed batch is not acknowledged and changes nothing; the next good one is stored', async () => {
    const { broker, receiver, process, appliance } = await oneReceiver();

    const wrongDevice = batch('someone-else', 1, 2);
    const noTimestamp = batch('porch', 1, 1);
    for (const e of noTimestamp.events) e.event.timestamp = 'yesterday';
    for (const payload of ['not json', '{"v":1}', JSON.stringify(wrongDevice), JSON.stringify(noTimestamp)])
      await appliance.publish('vigil/porch/events', payload);
    await appliance.publish('vigil/porch/events', JSON.stringify(batch('porch', 1, 2)));
    const [ack] = await appliance.count((m) => m.topic === 'vigil/porch/ack', 1);
    assert.equal((JSON.parse(String(ack?.payload)) as AckMessage).ids.length, 2);
    assert.equal(
      appliance.messages.filter((m) => m.topic.endsWith('/ack')).length,
      1,
      'only the good batch is acked',
    );
    assert.deepEqual(
      (await devices(receiver.base)).map((d) => [d.id, d.events]),
      [['porch', 2]],
    );
    const rejected = process.logs.filter(
      (l) => l.msg === 'rejected a batch that is not a valid sync message',
    );
    assert.equal(rejected.length, 4);
    assert.match(JSON.stringify(rejected[3]), /events\.0\.event\.timestamp/);
    assert.equal(await stopVigil(process), 0);
    await broker.stop();
  });

  test('receivers in one share group split the batches: each stored exactly once between them', async () => {
    const broker = await startBroker();
    const receivers = [await central(tempDir(), broker.url), await central(tempDir(), broker.url)];
    const processes = [];
    for (const receiver of receivers) processes.push(await receiver.start());
    const appliance = await MqttObserver.connect(broker.url);
    await appliance.subscribe('vigil/+/ack');
    const sent: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const device = `pi-${i % 4}`;
      const b = batch(device, i * 10, 10);
      sent.push(...b.events.map((e) => e.event.id));
      await appliance.publish(`vigil/${device}/events`, JSON.stringify(b));
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
