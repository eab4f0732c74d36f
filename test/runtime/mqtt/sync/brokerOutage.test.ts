import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startBroker } from '../../../helpers/mosquitto';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil, withDb } from '../../events/e2e/e2eKit';
import {
  appliance,
  central,
  centralEvents,
  orderByCamera,
  pollUntil,
  postAll,
  syncEvent,
  untilCentralHas,
  untilOutboxDrained,
} from './syncKit';

const CAMERAS = ['front', 'back', 'garage'];
const PER_CAMERA = 60;

test('events produced while the broker is down all reach the central server after it returns, in order per camera, once each', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  const receiver = await central(dir, broker.url);
  const centralProcess = await receiver.start();
  const device = await appliance(dir, broker.url);
  receiver.enroll(device);
  const vigil = await device.start();

  const run = randomUUID().slice(0, 8);
  const warmUp = await postAll(device.base, [syncEvent(run, 'front', -1)]);
  await untilCentralHas(receiver.base, 1);

  await broker.stop();
  // Interleaved across cameras, as cameras produce them.
  const events = Array.from({ length: PER_CAMERA }, (_, n) =>
    CAMERAS.map((c) => syncEvent(run, c, n)),
  ).flat();
  const created = await postAll(device.base, events);
  assert.equal(created.length, events.length);
  // Held in the outbox, none acknowledged, while the broker is away.
  await pollUntil(
    'the outbox holds every event',
    () =>
      withDb(
        device.dir,
        (db) =>
          (db.prepare('SELECT count(*) FROM outbox WHERE acked_at IS NULL').pluck().get() as number) ===
          events.length,
      ),
    10_000,
  );

  await broker.start();
  const stored = await untilCentralHas(receiver.base, events.length + warmUp.length);
  assert.equal(stored.length, events.length + warmUp.length, 'nothing stored twice');
  assert.deepEqual(new Set(stored.map((e) => e.event.id)), new Set([...warmUp, ...created]));

  const expected = new Map(CAMERAS.map((c) => [c, events.filter((e) => e.camera === c).map((e) => e.id)]));
  expected.set('front', [...warmUp, ...(expected.get('front') ?? [])]);
  assert.deepEqual(orderByCamera(stored), expected, "in each camera's order by the device's sequence");
  assert.deepEqual(
    orderByCamera(await centralEvents(receiver.base, 'arrival')),
    expected,
    'and stored in that order',
  );

  // The appliance lets go only on the central server's ack.
  await untilOutboxDrained(device.dir, 10_000);
  assert.equal(await stopVigil(vigil), 0);
  assert.equal(await stopVigil(centralProcess), 0);
  await broker.stop();
});
