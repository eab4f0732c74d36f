import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { ensureDeviceKey } from '../../../../runtime/mqtt/security/deviceKey';
import { decodeEventBatch, encodeSyncMessage } from '../../../../runtime/mqtt/sync/syncMessages';
import { startBroker } from '../../../helpers/mosquitto';
import { MqttObserver } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil, withDb } from '../../events/e2e/e2eKit';
import { appliance, DEVICE, pollUntil, postAll, syncEvent } from './syncKit';

const waiting = (dir: string) =>
  withDb(
    dir,
    (db) => db.prepare('SELECT count(*) FROM outbox WHERE acked_at IS NULL').pluck().get() as number,
  );

test('an ack lets go of events only when signed with the device key, for the batch in flight, for ids of that batch', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  // No central server: only the acks the test publishes can let go of anything.
  const device = await appliance(dir, broker.url, { sync: 'ack_timeout_seconds: 30' });
  const { key } = ensureDeviceKey(device.dataDir, false);
  const attacker = await MqttObserver.connect(broker.url);
  await attacker.subscribe(`vigil/${DEVICE}/events`);
  const ackTopic = `vigil/${DEVICE}/ack`;
  // Retained before the appliance subscribes: it arrives flagged retained at every connect.
  const stale = { v: 2 as const, batch: randomUUID(), ids: ['x'] };
  await attacker.publish(ackTopic, encodeSyncMessage(ackTopic, stale, key, false), true);
  const vigil = await device.start();

  const run = randomUUID().slice(0, 8);
  const ids = await postAll(
    device.base,
    [0, 1, 2, 3, 4].map((n) => syncEvent(run, 'front', n)),
  );
  await pollUntil('the outbox holds every event', () => waiting(device.dir) === 5, 10_000);
  // Stop and wait: the first batch (however many events were routed by then) is in flight.
  const [sent] = await attacker.count((m) => m.topic === `vigil/${DEVICE}/events`, 1);
  const batch = decodeEventBatch(`vigil/${DEVICE}/events`, sent?.payload as Buffer, key);
  const inFlight = batch.events.map((e) => e.event.id);

  const forged = { v: 2 as const, batch: batch.batch, ids }; // every id, not only the batch's
  await attacker.publish(ackTopic, JSON.stringify(forged)); // unsigned, as before
  await attacker.publish(ackTopic, encodeSyncMessage(ackTopic, forged, randomBytes(32), false)); // another key
  await attacker.publish(
    ackTopic,
    encodeSyncMessage(ackTopic, { ...forged, batch: 'not-in-flight' }, key, false),
  );
  const ignored = async () =>
    Number(
      /vigil_mqtt_acks_ignored_total (\d+)/.exec(await (await fetch(`${device.base}/metrics`)).text())?.[1],
    );
  for (let tries = 0; (await ignored()) < 4 && tries < 100; tries += 1)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(await ignored(), 4, 'four acks ignored');
  assert.equal(waiting(device.dir), 5, 'nothing let go');

  // A genuine ack for the batch in flight that also names ids not in it: only the batch's go.
  await attacker.publish(
    ackTopic,
    encodeSyncMessage(ackTopic, { ...forged, ids: [...ids, randomUUID()] }, key, false),
  );
  await pollUntil('the batch is let go', () => waiting(device.dir) === 5 - inFlight.length, 10_000);
  const acked = withDb(device.dir, (db) =>
    db.prepare('SELECT event_id FROM outbox WHERE acked_at IS NOT NULL ORDER BY event_id').pluck().all(),
  );
  assert.deepEqual(acked, [...inFlight].sort());

  await attacker.publish(ackTopic, '', true);
  assert.equal(await stopVigil(vigil), 0);
  await broker.stop();
});
