import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker } from '../../../helpers/mosquitto';
import { tempDir } from '../../../helpers/tempDir';
import type { VigilProcess } from '../../../helpers/vigilProcess';
import { postEvent, stopVigil } from '../../events/e2e/e2eKit';
import { appliance, central, centralEvents, syncEvent, untilCentralHas, untilOutboxDrained } from './syncKit';

const CAMERAS = ['front', 'back', 'garage'];

async function kill(process: VigilProcess): Promise<void> {
  process.child.kill('SIGKILL');
  await process.exited;
}

test('broker killed mid-stream, appliance and central receiver killed with SIGKILL mid-sync: nothing acknowledged is lost, nothing is stored twice', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  const receiver = await central(dir, broker.url);
  let centralProcess = await receiver.start();
  const device = await appliance(dir, broker.url, { sync: 'ack_timeout_seconds: 1, batch_size: 20' });
  receiver.enroll(device);
  let vigil = await device.start();

  // One producer, cameras in turn, for as long as the chaos lasts; an event is "acknowledged"
  // when the appliance answered 201. While the appliance is down, it retries the same event.
  const run = randomUUID().slice(0, 8);
  const acknowledged: string[] = [];
  const posted: string[] = [];
  let producing = true;
  const producer = (async () => {
    for (let n = 0; producing; n += 1) {
      const event = syncEvent(run, CAMERAS[n % CAMERAS.length] as string, n);
      posted.push(event.id as string);
      for (;;) {
        const reply = await postEvent(device.base, event).catch(() => null);
        if (reply?.status === 201 || reply?.status === 200) {
          acknowledged.push(event.id as string);
          break;
        }
        if (!producing) break;
        await sleep(50);
      }
    }
  })();

  await sleep(800);
  await broker.kill();
  await sleep(700);
  await broker.start();
  await sleep(800);
  await kill(vigil);
  await sleep(300);
  vigil = await device.start();
  await sleep(800);
  await kill(centralProcess);
  await sleep(1000);
  centralProcess = await receiver.start();
  await sleep(800);
  producing = false;
  await producer;

  assert.ok(acknowledged.length > 100, `only ${acknowledged.length} events were acknowledged`);
  const stored = await untilCentralHas(receiver.base, acknowledged.length, 60_000);
  const ids = stored.map((e) => e.event.id);
  assert.equal(new Set(ids).size, ids.length, 'an event was stored twice');
  const missing = acknowledged.filter((id) => !ids.includes(id));
  assert.deepEqual(missing, [], 'acknowledged events missing at the central server');
  const unexpected = ids.filter((id) => !posted.includes(id));
  assert.deepEqual(unexpected, [], 'the central server holds events nobody sent');

  // Per camera, the central order is the order the producer sent them in.
  for (const camera of CAMERAS) {
    const sent = posted.filter((id) => id.startsWith(`${run}-${camera}-`) && ids.includes(id));
    const got = stored.filter((e) => e.event.camera === camera).map((e) => e.event.id);
    assert.deepEqual(got, sent, `order of ${camera}`);
  }
  const inArrivalOrder = (await centralEvents(receiver.base, 'arrival')).map((e) => e.event.id);
  assert.deepEqual(inArrivalOrder, ids, 'stored in the order the device produced them');

  await untilOutboxDrained(device.dir, 20_000);
  assert.equal(await stopVigil(vigil), 0);
  assert.equal(await stopVigil(centralProcess), 0);
  await broker.stop();
});
