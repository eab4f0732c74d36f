import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createGzip } from 'node:zlib';
import { connectAsync, type MqttClient } from 'mqtt';
import { signCommand } from '../../../runtime/mqtt/commands/commandAuth';
import { startBroker } from '../../helpers/mosquitto';
import { MqttObserver, type Seen } from '../../helpers/mqttObserver';
import { tempDir } from '../../helpers/tempDir';
import type { VigilProcess } from '../../helpers/vigilProcess';
import { stopVigil } from '../events/e2e/e2eKit';
import {
  appliance,
  central,
  centralEvents,
  DEVICE,
  postAll,
  syncEvent,
  untilCentralHas,
} from './sync/syncKit';

/**
 * The attacks of issue 19 from a client of the same broker, as they were tried on e17c670: a real
 * mosquitto that lets anyone in (as Home Assistant's add-on often runs), the built `vigil run`
 * and `vigil central`, an attacker with nothing but `mosquitto_pub`'s powers. Each now does no
 * harm; the owner's own paths (Home Assistant's panel with the code, a signed command, the
 * device's signed sync) still work.
 */

const CODE = '2468';
const SECRET = 'an-owner-secret-of-at-least-32-characters';
const B = `vigil/${DEVICE}`;
const RSS_GROWTH_LIMIT = 50 * 1024 * 1024;

function rssOf(process: VigilProcess): number {
  const status = readFileSync(`/proc/${process.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** 1 GiB of spaces, gzip'd: about 1 MB on the wire (made in pieces, never held whole). */
async function gzipBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < 1024; i += 1) if (!gzip.write(spaces)) await new Promise((r) => gzip.once('drain', r));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}

/** How long health takes to answer, in ms. */
async function healthMs(base: string): Promise<number> {
  const started = performance.now();
  await (await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(20_000) })).arrayBuffer();
  return performance.now() - started;
}

describe('issue 19 attacks from a client of an open broker, against the built vigil and vigil central', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  const device = await appliance(dir, broker.url, {
    sync: 'ack_timeout_seconds: 2, batch_size: 5',
    mqtt: `commands: { code: '${CODE}', secret: '${SECRET}' }`,
  });
  writeFileSync(
    device.config,
    `${readFileSync(device.config, 'utf8')}\ngpio:\n  siren: { driver: sim, pin: 17, max_on: 120 }\nalarm: { mode: away }\n`,
  );
  const receiver = await central(dir, broker.url);
  receiver.enroll(device);
  let centralProcess = await receiver.start();
  let vigil = await device.start();
  const attacker: MqttClient = await connectAsync(broker.url, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    clientId: `attacker-${randomUUID()}`,
  });
  const watcher = await MqttObserver.connect(broker.url, { protocolVersion: 5 });
  await watcher.subscribe('#');

  const mode = async () =>
    ((await (await fetch(`${device.base}/api/v1/alarm`)).json()) as { mode: string }).mode;
  const sirenOn = async () => {
    const gpio = (await (await fetch(`${device.base}/api/v1/gpio`)).json()) as {
      outputs: Array<{ name: string; on: boolean }>;
    };
    return gpio.outputs.find((o) => o.name === 'siren')?.on;
  };
  /** Publishes a command and returns the appliance's reply to it on B/response. */
  const command = async (topic: string, payload: string, properties = {}) => {
    const from = watcher.messages.length;
    await attacker.publishAsync(topic, payload, { qos: 1, properties });
    const reply = await watcher.next(
      (m: Seen) => m.topic === `${B}/response` && JSON.parse(String(m.payload)).topic === topic,
      10_000,
      from,
    );
    return JSON.parse(String(reply.payload)) as { ok: boolean; error?: string };
  };

  test('1. a bare client can neither disarm, nor sound the siren, nor aim a reply at another topic', async () => {
    const disarm = await command(`${B}/alarm/set`, 'disarmed');
    assert.equal(disarm.ok, false);
    assert.match(disarm.error ?? '', /code|sign/);
    await command(`${B}/alarm/set`, JSON.stringify({ action: 'DISARM', code: '0000' }));
    assert.equal(await mode(), 'away');

    const siren = await command(`${B}/siren/set`, JSON.stringify({ state: 'ON', duration: 60 }));
    assert.equal(siren.ok, false);
    assert.equal(await sirenOn(), false);

    const from = watcher.messages.length;
    await command(`${B}/alarm/set`, 'home', { responseTopic: 'homeassistant/siren/x/config' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      watcher.messages.slice(from).filter((m) => m.topic.startsWith('homeassistant/siren')),
      [],
      'no reply outside the device topics',
    );
    assert.equal(await mode(), 'away');
  });

  test("1. the owner's paths work: Home Assistant's panel with the code, a signed command", async () => {
    const disarm = await command(`${B}/alarm/set`, JSON.stringify({ action: 'DISARM', code: CODE }));
    assert.equal(disarm.ok, true, disarm.error);
    assert.equal(await mode(), 'disarmed');
    const arm = await command(`${B}/alarm/set`, JSON.stringify({ action: 'ARM_AWAY', code: CODE }));
    assert.equal(arm.ok, true, arm.error);
    assert.equal(await mode(), 'away');

    const topic = `${B}/siren/set`;
    const signed = JSON.stringify(signCommand(topic, JSON.stringify({ state: 'ON', duration: 30 }), SECRET));
    assert.equal((await command(topic, signed)).ok, true);
    assert.equal(await sirenOn(), true);
    // The same signed message again is a replay.
    assert.equal((await command(topic, signed)).ok, false);
    const off = JSON.stringify(signCommand(topic, 'OFF', SECRET));
    assert.equal((await command(topic, off)).ok, true);
    assert.equal(await sirenOn(), false);
  });

  test('2. a 1 MB gzip bomb, retained, on the ack and batch topics: memory bounded, health answers, also after a restart', async () => {
    const bomb = await gzipBomb();
    assert.ok(bomb.length < 1.5 * 1024 * 1024, `${bomb.length} bytes`);
    const rssBefore = { appliance: rssOf(vigil), central: rssOf(centralProcess) };
    let worst = { appliance: 0, central: 0, health: 0 };
    const probe = async () => {
      worst = {
        appliance: Math.max(worst.appliance, rssOf(vigil) - rssBefore.appliance),
        central: Math.max(worst.central, rssOf(centralProcess) - rssBefore.central),
        health: Math.max(worst.health, await healthMs(device.base), await healthMs(receiver.base)),
      };
    };
    for (const topic of [`${B}/ack`, `${B}/events`]) {
      await attacker.publishAsync(topic, bomb, { qos: 1, retain: true });
      await attacker.publishAsync(topic, bomb, { qos: 1 });
      for (let i = 0; i < 5; i += 1) {
        await probe();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Restarted, both get the retained bombs again at their first connect.
    assert.equal(await stopVigil(vigil), 0);
    assert.equal(await stopVigil(centralProcess), 0);
    centralProcess = await receiver.start();
    vigil = await device.start();
    Object.assign(rssBefore, { appliance: rssOf(vigil), central: rssOf(centralProcess) });
    for (let i = 0; i < 10; i += 1) {
      await probe();
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const topic of [`${B}/ack`, `${B}/events`])
      await attacker.publishAsync(topic, '', { qos: 1, retain: true });
    console.error(
      `gzip bomb (${bomb.length} bytes): RSS growth appliance ${Math.round(worst.appliance / 1048576)} MB, central ${Math.round(worst.central / 1048576)} MB, health at worst ${Math.round(worst.health)} ms`,
    );
    assert.ok(worst.appliance < RSS_GROWTH_LIMIT, `appliance grew ${worst.appliance} bytes`);
    assert.ok(worst.central < RSS_GROWTH_LIMIT, `central grew ${worst.central} bytes`);
    assert.ok(worst.health < 1000, `health took ${worst.health} ms`);
  });

  test('3, 4. forged acks, an intruder device and a forged seq change nothing; the real sync stores each event once, in order', async () => {
    const run = randomUUID().slice(0, 8);
    // Forged before the events exist and while they sync: every id, any batch, unsigned.
    const ids = Array.from({ length: 12 }, (_, n) => `${run}-front-${n}`);
    const forgedAck = JSON.stringify({ v: 2, batch: 'any', ids });
    await attacker.publishAsync(`${B}/ack`, forgedAck, { qos: 1 });
    const batch = (device: string, seq: number) =>
      JSON.stringify({
        v: 2,
        device,
        acked_through: 0,
        batch: randomUUID(),
        sent_at: Date.now(),
        events: [{ seq, event: syncEvent(run, 'front', 99) }],
      });
    await attacker.publishAsync('vigil/intruder/events', batch('intruder', 1), { qos: 1 });
    await attacker.publishAsync(`${B}/events`, batch(DEVICE, 999_999), { qos: 1 });

    const posted = await postAll(
      device.base,
      ids.map((_, n) => syncEvent(run, 'front', n)),
    );
    await attacker.publishAsync(`${B}/ack`, forgedAck, { qos: 1 });
    const stored = (await untilCentralHas(receiver.base, posted.length, 30_000))
      .map((e) => e.event.id)
      .filter((id) => id.startsWith(run));
    assert.deepEqual(stored, posted, 'each once, in order, nothing forged');
    const devices = (await (await fetch(`${receiver.base}/api/v1/devices`)).json()) as {
      devices: Array<{ id: string }>;
    };
    assert.deepEqual(
      devices.devices.map((d) => d.id),
      [DEVICE],
    );
    // Paging with after= still sees every event: the forged seq did not move the device on.
    const paged = (await centralEvents(receiver.base))
      .map((e) => e.event.id)
      .filter((id) => id.startsWith(run));
    assert.deepEqual(paged, posted);
  });

  test('stops cleanly', async () => {
    await attacker.endAsync(true);
    assert.equal(await stopVigil(vigil), 0);
    assert.equal(await stopVigil(centralProcess), 0);
    await broker.stop();
  });
});
