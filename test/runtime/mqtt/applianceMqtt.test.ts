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
    mqtt: "frigate_compat: true, state_interval_seconds: 5, commands: { code: '2468', unsigned: [motion] }",
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
  const panel = JSON.parse(String((await config('alarm_control_panel', 'alarm')).payload)) as Record<
    string,
    unknown
  >;
  assert.equal(panel.command_topic, 'vigil/e2e-pi/alarm/set');
  assert.equal(panel.code, 'REMOTE_CODE');
  await config('binary_sensor', 'siren');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'away');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/panel' && String(m.payload) === 'armed_away');
  await observer.next((m) => m.topic === 'frigate/available' && String(m.payload) === 'online');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/state' && 'backlog' in JSON.parse(String(m.payload)));

  const reply = async (payload: string) => {
    const since = observer.messages.length;
    await observer.publish('vigil/e2e-pi/alarm/set', payload);
    const answer = await observer.next((m) => m.topic === 'vigil/e2e-pi/response', 10_000, since);
    return JSON.parse(String(answer.payload)) as { ok: boolean; field?: string };
  };
  // Anyone on the broker: a bare mode name does not disarm.
  assert.equal((await reply('disarmed')).field, 'sig');
  // Home Assistant's panel with the code switches the mode; the state topics and the API follow.
  assert.equal((await reply(JSON.stringify({ action: 'ARM_HOME', code: '2468' }))).ok, true);
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/state' && String(m.payload) === 'home');
  await observer.next((m) => m.topic === 'vigil/e2e-pi/alarm/panel' && String(m.payload) === 'armed_home');
  const alarm = (await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string };
  assert.equal(alarm.mode, 'home');

  // A wrong code or a bad action is answered with the field and changes nothing.
  assert.equal((await reply(JSON.stringify({ action: 'DISARM', code: '1111' }))).field, 'code');
  assert.equal((await reply(JSON.stringify({ action: 'HOLIDAY', code: '2468' }))).field, 'action');
  assert.equal(
    ((await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string }).mode,
    'home',
  );

  // Motion detection switched off from Home Assistant (listed in mqtt.commands.unsigned).
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
