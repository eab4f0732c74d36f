import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil } from '../../events/e2e/e2eKit';
import { appliance, central, centralEvents, postAll, syncEvent, untilOutboxDrained } from '../sync/syncKit';
import { lockedBroker } from './aclKit';

const CAMERA = `cameras:
  yard:
    source: { driver: sim }
    detect: { enabled: false }
gpio:
  siren: { driver: sim, pin: 17, max_on: 30 }
alarm: { mode: away }`;

test('vigil run and vigil central sync, announce and obey commands through a broker locked down by vigil mqtt-acl', async () => {
  // The appliance under test (e2e-pi) and a second one, whose login it must not be able to use.
  const locked = await lockedBroker(['e2e-pi', 'other-pi'], { mqtt: 'frigate_compat: true', debugLog: true });
  after(() => locked.broker.stop());
  const { url } = locked.broker;
  const login = (user: string) => `username: ${user}, password: '${locked.password(user)}'`;

  const ha = await locked.login('homeassistant');
  for (const filter of ['vigil/#', 'homeassistant/#', 'frigate/#']) await ha.subscribe(filter);

  const receiver = await central(tempDir(), url, { mqtt: login('vigil-central') });
  const centralProcess = await receiver.start();
  const dir = tempDir();
  const device = await appliance(dir, url, {
    homeassistant: true,
    // Behind this ACL only Home Assistant may publish commands: its motion switch may go unsigned.
    mqtt: `frigate_compat: true, commands: { code: '4321', unsigned: [motion] }, ${login('e2e-pi')}`,
  });
  writeFileSync(device.config, `${readFileSync(device.config, 'utf8')}\n${CAMERA}\n`);
  receiver.enroll(device);
  const vigil = await device.start();

  // Home Assistant discovery, states and Frigate's topics reach Home Assistant.
  const motionConfig = 'homeassistant/binary_sensor/vigil_e2e-pi/yard_motion/config';
  await ha.next((m) => m.topic === motionConfig && m.payload.length > 0);
  await ha.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'away');
  await ha.next((m) => m.topic === 'frigate/available' && String(m.payload) === 'online');

  // Home Assistant's commands arrive, on Vigil's topics (its alarm panel, with the code) and on Frigate's.
  await ha.publish('vigil/e2e-pi/alarm/set', JSON.stringify({ action: 'ARM_HOME', code: '4321' }));
  await ha.next((m) => m.topic === 'vigil/e2e-pi/response' && JSON.parse(String(m.payload)).ok === true);
  await ha.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'home');
  const beforeFrigate = ha.messages.length;
  await ha.publish('frigate/yard/motion/set', 'OFF');
  await ha.next(
    (m) => m.topic === 'frigate/yard/motion/state' && String(m.payload) === 'OFF',
    15_000,
    beforeFrigate,
  );
  // Home Assistant's birth message makes the appliance announce itself again.
  await ha.publish('homeassistant/status', 'online');
  await ha.count((m) => m.topic === motionConfig && m.payload.length > 0, 2);

  // Events sync to the central server, and its acks let the appliance's outbox go.
  const ids = await postAll(
    device.base,
    Array.from({ length: 20 }, (_, n) => syncEvent('locked', 'yard', n)),
  );
  // The central server also gets the appliance's own events (the camera's, the alarm's): only ours count.
  let stored: string[] = [];
  for (const deadline = Date.now() + 30_000; stored.length < ids.length && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    stored = (await centralEvents(receiver.base))
      .map((s) => s.event.id)
      .filter((id) => id.startsWith('locked-'));
  }
  assert.deepEqual(stored, ids);
  await untilOutboxDrained(dir, 15_000);
  assert.deepEqual(
    ha.messages.filter((m) => m.topic === 'vigil/e2e-pi/events'),
    [],
    'Home Assistant does not read the event batches',
  );

  assert.equal(await stopVigil(vigil), 0);
  await ha.next((m) => m.topic === 'vigil/e2e-pi/available' && String(m.payload) === 'offline');
  assert.equal(await stopVigil(centralProcess), 0);
  // Everything the appliance and the central server do is within their rights.
  assert.deepEqual(
    locked.broker
      .log()
      .split('\n')
      .filter((line) => line.includes('Denied')),
    [],
  );
});
