import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker } from '../../helpers/mosquitto';
import { MqttObserver } from '../../helpers/mqttObserver';
import { tempDir } from '../../helpers/tempDir';
import { stopVigil } from '../events/e2e/e2eKit';
import { appliance } from './sync/syncKit';

const CAMERA = `cameras:
  yard:
    source: { driver: sim }
    detect: { enabled: false }
    objects: { track: [person, car] }
gpio:
  siren: { driver: sim, pin: 17, max_on: 30 }
alarm: { mode: away }`;

test('vigil run with MQTT on announces itself to Home Assistant, speaks Frigate, and obeys commands', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  const observer = await MqttObserver.connect(broker.url);
  await observer.subscribe('#');
  const device = await appliance(dir, broker.url, {
    homeassistant: true,
    mqtt: 'frigate_compat: true, state_interval_seconds: 5',
  });
  const { writeFileSync, readFileSync } = await import('node:fs');
  writeFileSync(device.config, `${readFileSync(device.config, 'utf8')}\n${CAMERA}\n`);
  const vigil = await device.start();

  const config = (component: string, key: string) =>
    observer.next(
      (m) => m.topic === `homeassistant/${component}/vigil_e2e-pi/${key}/config` && m.payload.length > 0,
    );
  const motion = JSON.parse(String((await config('binary_sensor', 'yard_motion')).payload)) as Record<
    string,
    unknown
  >;
  assert.equal(motion.state_topic, 'vigil/e2e-pi/yard/motion');
  assert.equal(motion.availability_topic, 'vigil/e2e-pi/available');
  const select = JSON.parse(String((await config('select', 'alarm_mode')).payload)) as Record<
    string,
    unknown
  >;
  assert.equal(select.command_topic, 'vigil/e2e-pi/alarm/set');
  await config('siren', 'siren');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'away');
  await observer.next((m) => m.topic === 'frigate/available' && String(m.payload) === 'online');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/state' && 'backlog' in JSON.parse(String(m.payload)));

  // Home Assistant's select switches the mode; the state topic and the API follow.
  await observer.publish('vigil/e2e-pi/alarm/set', 'home');
  await observer.next(
    (m) => m.topic === 'vigil/e2e-pi/response' && JSON.parse(String(m.payload)).ok === true,
  );
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'home');
  const alarm = (await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string };
  assert.equal(alarm.mode, 'home');

  // A bad command is answered with the field and changes nothing.
  await observer.publish('vigil/e2e-pi/alarm/set', 'holiday');
  const refusal = await observer.next(
    (m) => m.topic === 'vigil/e2e-pi/response' && JSON.parse(String(m.payload)).ok === false,
  );
  assert.equal(JSON.parse(String(refusal.payload)).field, 'mode');
  assert.equal(
    ((await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string }).mode,
    'home',
  );

  // Detection switched off from Home Assistant.
  await observer.publish('vigil/e2e-pi/yard/motion/set', 'OFF');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/yard/motion/state' && String(m.payload) === 'OFF');

  const health = (await (await fetch(`${device.base}/api/v1/health`)).json()) as {
    services: Array<{ name: string; detail?: { connected?: boolean } }>;
  };
  assert.equal(health.services.find((s) => s.name === 'mqtt')?.detail?.connected, true);
  assert.equal(await stopVigil(vigil), 0);
  await observer.next((m) => m.topic === 'vigil/e2e-pi/available' && String(m.payload) === 'offline');
  await broker.stop();
});
