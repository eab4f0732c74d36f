import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { netnsUnavailable } from '../../../helpers/netns';
import { stopVigil } from '../../events/e2e/e2eKit';
import { KEEPALIVE_SECONDS, message, partitionRig } from './partitionKit';
import { postAll, syncEvent, untilCentralHas } from './syncKit';

/** Shorter than the 1.5 × keep-alive in which the appliance would notice the dead link itself. */
const SHORT_CUT_MS = 4000;
const DRAIN_MS = 25_000;

const unavailable = netnsUnavailable();

test('a broker that restarted during a short partition (the link ends in a reset, not a keep-alive timeout) does not stall the sync', {
  skip: unavailable ?? false,
}, async () => {
  const rig = await partitionRig();
  const { receiver, process: centralProcess } = await rig.startCentral();
  const vigil = await rig.device.start();
  await vigil.waitForLog(message('connected to the MQTT broker'));

  const run = randomUUID().slice(0, 8);
  const before = await postAll(rig.device.base, [syncEvent(run, 'front', 0)]);
  await untilCentralHas(receiver.base, 1);

  // Cut off, an event arrives: its batch is published into the dead link, and (after the
  // ack timeout) published again, its PUBACK never coming. The broker restarts meanwhile and
  // forgets the connection, so once the cut heals the appliance's next packet meets a reset:
  // the link ends in an error before the keep-alive would have noticed anything.
  const cutAt = Date.now();
  rig.link({ cut: true });
  const during = await postAll(rig.device.base, [syncEvent(run, 'front', 1), syncEvent(run, 'back', 2)]);
  await rig.broker.kill();
  await rig.broker.start();
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + SHORT_CUT_MS - Date.now())));
  rig.link({});
  await vigil.waitForLog(message('lost the MQTT broker'), KEEPALIVE_SECONDS * 2000);
  const afterCut = await postAll(rig.device.base, [syncEvent(run, 'front', 3), syncEvent(run, 'back', 4)]);

  const expected = [...before, ...during, ...afterCut];
  const stored = await untilCentralHas(receiver.base, expected.length, DRAIN_MS);
  assert.deepEqual(
    stored.map((e) => e.event.id),
    expected,
    'every event once, in order, after the reconnect',
  );
  assert.equal(await stopVigil(vigil), 0);
  assert.equal(await stopVigil(centralProcess), 0);
});

if (unavailable) console.log(`partition test skipped: ${unavailable}`);
