import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { Aedes } from 'aedes';
import { signCommand } from '../../../runtime/mqtt/commands/commandAuth';
import { ensureDeviceKey } from '../../../runtime/mqtt/security/deviceKey';
import { decodeEventBatch, encodeSyncMessage } from '../../../runtime/mqtt/sync/syncMessages';
import { freePort } from '../../helpers/freePort';
import { MqttObserver } from '../../helpers/mqttObserver';
import { tempDir } from '../../helpers/tempDir';
import { stopVigil, withDb } from '../events/e2e/e2eKit';
import { appliance, central, DEVICE, pollUntil, postAll, syncEvent } from './sync/syncKit';

/**
 * The appliance on a broker that speaks only MQTT 3.1.1 (aedes, in this process): mosquitto
 * speaks 5, so without this the fallback would never run. aedes answers a version-5 CONNECT
 * with "unacceptable protocol version"; the appliance must then connect with 3.1.1 and do all
 * it does on 5 except what needs 5's properties (the README's "MQTT 3.1.1" paragraph).
 */

const SECRET = 'an-owner-secret-of-at-least-32-characters';
const INGEST_SECRET = 'a-producer-secret-of-at-least-32-characters';
const B = `vigil/${DEVICE}`;

/** aedes on a free loopback port; records the protocol level of every CONNECT it gets. */
async function startAedes(): Promise<{ url: string; levels: number[] }> {
  const broker = await Aedes.createBroker();
  const levels: number[] = [];
  broker.preConnect = (_client, packet, done) => {
    levels.push((packet as { protocolVersion: number }).protocolVersion);
    done(null, true);
  };
  const server = createServer(broker.handle);
  const port = await freePort();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  after(async () => {
    server.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });
  return { url: `mqtt://127.0.0.1:${port}`, levels };
}

test('on a 3.1.1-only broker the appliance falls back, publishes availability, state, discovery and event batches, takes signed acks, commands and ingest', async () => {
  const dir = tempDir();
  const broker = await startAedes();
  const observer = await MqttObserver.connect(broker.url, { protocolVersion: 4 });
  await observer.subscribe('#');
  const device = await appliance(dir, broker.url, {
    homeassistant: true,
    mqtt: `frigate_compat: true, state_interval_seconds: 5, commands: { secret: '${SECRET}' }, ingest: { secret: '${INGEST_SECRET}' }`,
  });
  writeFileSync(
    device.config,
    `${readFileSync(device.config, 'utf8')}\ngpio:\n  siren: { driver: sim, pin: 17, max_on: 120 }\nalarm: { mode: away }\n`,
  );
  const observerConnects = broker.levels.length;
  const vigil = await device.start();

  await vigil.waitForLog((l) => l.msg === 'the broker refused MQTT 5; falling back to 3.1.1');
  await vigil.waitForLog((l) => l.msg === 'connected to the MQTT broker' && l.protocol === '3.1.1');
  assert.equal(broker.levels[observerConnects], 5, 'tries MQTT 5 first');
  assert.equal(broker.levels.at(-1), 4, 'then 3.1.1');
  await observer.next((m) => m.topic === `${B}/available` && String(m.payload) === 'online');
  await observer.next((m) => m.topic === `${B}/state` && 'backlog' in JSON.parse(String(m.payload)));
  await observer.next((m) => m.topic === `${B}/alarm/state` && String(m.payload) === 'away');
  await observer.next(
    (m) => m.topic === 'homeassistant/alarm_control_panel/vigil_e2e-pi/alarm/config' && m.payload.length > 0,
  );
  await observer.next((m) => m.topic === 'frigate/available' && String(m.payload) === 'online');

  // Sync: the batch goes out and a signed ack lets go of it. The test answers as the central
  // would: \`vigil central\` itself cannot take part, its shared subscription (\$share/…) is one
  // aedes grants but never delivers to (see the README's "MQTT 3.1.1" paragraph).
  const { key } = ensureDeviceKey(device.dataDir, false);
  const run = randomUUID().slice(0, 8);
  await postAll(device.base, [syncEvent(run, 'front', 1)]);
  const sent = await observer.next((m) => m.topic === `${B}/events`);
  const batch = decodeEventBatch(`${B}/events`, sent.payload, key);
  assert.deepEqual(
    batch.events.map((e) => e.event.id),
    [`${run}-front-1`],
  );
  const ackTopic = `${B}/ack`;
  const ack = { v: 2 as const, batch: batch.batch, ids: [`${run}-front-1`] };
  await observer.publish(ackTopic, encodeSyncMessage(ackTopic, ack, key, false));
  await pollUntil(
    'the acknowledged event leaves the outbox',
    () =>
      withDb(
        device.dir,
        (db) => db.prepare('SELECT count(*) FROM outbox WHERE acked_at IS NULL').pluck().get() as number,
      ) === 0,
    10_000,
  );

  // The signature rides in the payload, not in MQTT 5 user properties: a signed command works.
  const command = async (topic: string, payload: string) => {
    const since = observer.messages.length;
    await observer.publish(topic, payload);
    const answer = await observer.next((m) => m.topic === `${B}/response`, 10_000, since);
    return JSON.parse(String(answer.payload)) as { ok: boolean; field?: string; error?: string };
  };
  const disarm = await command(
    `${B}/alarm/set`,
    JSON.stringify(signCommand(`${B}/alarm/set`, 'disarmed', SECRET)),
  );
  assert.equal(disarm.ok, true, disarm.error);
  await observer.next((m) => m.topic === `${B}/alarm/state` && String(m.payload) === 'disarmed');
  // Unsigned, it is refused and changes nothing.
  assert.equal((await command(`${B}/alarm/set`, 'away')).field, 'sig');
  const alarm = (await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string };
  assert.equal(alarm.mode, 'disarmed');

  // Signed ingest from an outside producer: stored, answered on the reply topic.
  const ingestTopic = `${B}/events/ingest`;
  const since = observer.messages.length;
  const items = JSON.stringify([syncEvent(run, 'front', 2)]);
  await observer.publish(ingestTopic, JSON.stringify(signCommand(ingestTopic, items, INGEST_SECRET)));
  const ingested = await observer.next((m) => m.topic === `${ingestTopic}/reply`, 10_000, since);
  assert.equal((JSON.parse(String(ingested.payload)) as { created?: number }).created, 1);
  const stored = await fetch(`${device.base}/api/v1/events/${run}-front-2`);
  assert.equal(stored.status, 200);

  const health = (await (await fetch(`${device.base}/api/v1/health`)).json()) as {
    services: Array<{ name: string; detail?: { connected?: boolean; protocol?: string } }>;
  };
  const mqtt = health.services.find((s) => s.name === 'mqtt')?.detail;
  assert.equal(mqtt?.connected, true);
  assert.equal(mqtt?.protocol, '3.1.1');
  assert.equal(await stopVigil(vigil), 0);
  await observer.next((m) => m.topic === `${B}/available` && String(m.payload) === 'offline');

  // Killed, it says goodbye through the last will (a 3.1.1 CONNECT carries one too).
  const again = await device.start();
  const restarted = observer.messages.length;
  await observer.next(
    (m) => m.topic === `${B}/available` && String(m.payload) === 'online',
    15_000,
    restarted,
  );
  const killed = observer.messages.length;
  again.child.kill('SIGKILL');
  await observer.next((m) => m.topic === `${B}/available` && String(m.payload) === 'offline', 15_000, killed);
});

test('vigil central on a 3.1.1-only broker says that its shared subscription needs MQTT 5', async () => {
  const dir = tempDir();
  const broker = await startAedes();
  const receiver = await central(dir, broker.url);
  const process = await receiver.start();
  const warning = await process.waitForLog((l) =>
    String(l.msg).startsWith('shared subscription over MQTT 3.1.1'),
  );
  assert.deepEqual(warning.shared, ['$share/vigil-central/vigil/+/events']);
  assert.equal(await stopVigil(process), 0);
});
