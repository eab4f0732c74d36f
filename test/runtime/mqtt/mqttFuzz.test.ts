import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { connectAsync, type IClientPublishOptions } from 'mqtt';
import { encodeSyncMessage } from '../../../runtime/mqtt/sync/syncMessages';
import { startBroker } from '../../helpers/mosquitto';
import { tempDir } from '../../helpers/tempDir';
import { stopVigil, withDb } from '../events/e2e/e2eKit';
import { appliance, central, DEVICE } from './sync/syncKit';

/** Fixed so a failure replays; override with VIGIL_FUZZ_SEED=<n> to explore. */
const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? 0x6d71_7474) >>> 0;
const MESSAGES = Number(process.env.VIGIL_FUZZ_MESSAGES ?? 400);
const replay = `seed ${SEED} (0x${SEED.toString(16)}); replay with VIGIL_FUZZ_SEED=${SEED}`;
/** How much a process may grow while the fuzz runs, and how long health may take. */
const RSS_GROWTH_LIMIT = 50 * 1024 * 1024;
const HEALTH_LIMIT_MS = 1000;

/** A small seeded PRNG (mulberry32): the same seed, the same messages. */
function prng(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    bytes: (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256))),
  };
}

function rssOf(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

test(`a seeded MQTT fuzz leaves the appliance and the central server up, bounded and unchanged (${replay})`, async () => {
  const random = prng(SEED);
  const dir = tempDir();
  const broker = await startBroker();
  const code = 'fuzz-code-7c1e';
  const secret = 'a-fuzz-secret-of-at-least-32-characters';
  const device = await appliance(dir, broker.url, {
    homeassistant: true,
    mqtt: `frigate_compat: true, commands: { code: '${code}', secret: '${secret}' }`,
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    device.config,
    // No camera: nothing but the fuzz may write (camera switches are refused as 'no camera').
    `${readFileSync(device.config, 'utf8')}\ngpio:\n  siren: { driver: sim, pin: 17 }\nalarm: { mode: away }\n`,
  );
  const receiver = await central(dir, broker.url);
  receiver.enroll(device);
  const centralProcess = await receiver.start();
  const vigil = await device.start();

  // What must not change: the alarm, the outbox and the events, on both sides.
  const applianceState = () =>
    withDb(device.dir, (db) => ({
      mode: db.prepare("SELECT value FROM device_state WHERE key = 'alarm.mode'").pluck().get() ?? null,
      outbox: db.prepare('SELECT count(*) FROM outbox').pluck().get(),
      events: db
        .prepare("SELECT count(*) FROM events WHERE type != 'system' AND type NOT LIKE 'camera_%'")
        .pluck()
        .get(),
      commanded: db.prepare("SELECT count(*) FROM audit WHERE actor = 'mqtt'").pluck().get(),
    }));
  const centralCount = async () =>
    ((await (await fetch(`${receiver.base}/api/v1/devices`)).json()) as { devices: unknown[] }).devices
      .length;
  const before = { appliance: applianceState(), central: await centralCount() };

  const attacker = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  const ackTopic = `vigil/${DEVICE}/ack`;
  const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 });
  const topics = [
    ackTopic,
    `vigil/${DEVICE}/events`,
    `vigil/intruder/events`,
    `vigil/${DEVICE}/siren/set`,
    `vigil/${DEVICE}/alarm/set`,
    `vigil/${DEVICE}/yard/detect/set`,
    `vigil/${DEVICE}/yard/motion/set`,
    `vigil/${DEVICE}/nocamera/detect/set`,
    'frigate/yard/detect/set',
    'homeassistant/status',
  ];
  const payloads: Array<(topic: string) => Buffer | string> = [
    () => random.bytes(random.int(64)),
    () => random.bytes(random.int(4096)),
    () => Buffer.alloc(random.int(3) * 1024 * 1024 + random.int(1024), random.int(256)),
    () => bomb,
    () =>
      JSON.stringify({
        v: 2,
        batch: 'x',
        ids: Array.from({ length: random.int(20_000) }, (_, i) => `id-${i}`),
      }),
    (topic) =>
      encodeSyncMessage(topic, { v: 2, batch: 'forged', ids: ['a'] }, randomBytes(32), random.next() < 0.5),
    () =>
      JSON.stringify({
        action: random.pick(['DISARM', 'ARM_AWAY', 'TRIGGER', 'ARM_HOME']),
        code: String(random.int(1e6)),
      }),
    () =>
      JSON.stringify({
        ts: Date.now(),
        nonce: 'n'.repeat(12),
        payload: random.pick(['ON', 'OFF', 'disarmed']),
        sig: 'x'.repeat(43),
      }),
    () =>
      random.pick(['ON', 'OFF', 'online', 'disarmed', 'home', '{}', '[]', 'null', '"ON"', '{"state":"ON"}']),
    () => `{"a":${'['.repeat(random.int(5000))}`,
    () => gzipSync(random.bytes(random.int(2048))),
  ];

  let healthWorst = 0;
  let rssWorst = { appliance: 0, central: 0 };
  const rssBase = { appliance: rssOf(vigil.child.pid), central: rssOf(centralProcess.child.pid) };
  const probe = async () => {
    for (const base of [device.base, receiver.base]) {
      const started = performance.now();
      const reply = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      await reply.arrayBuffer();
      healthWorst = Math.max(healthWorst, performance.now() - started);
    }
    rssWorst = {
      appliance: Math.max(rssWorst.appliance, rssOf(vigil.child.pid)),
      central: Math.max(rssWorst.central, rssOf(centralProcess.child.pid)),
    };
  };

  const retained = new Set<string>();
  for (let i = 0; i < MESSAGES; i += 1) {
    const topic = random.pick(topics);
    const payload = random.pick(payloads)(topic);
    const retain = random.next() < 0.15;
    if (retain) retained.add(topic);
    const options: IClientPublishOptions = {
      qos: random.pick([0, 1] as const),
      retain,
      properties: {
        ...(random.next() < 0.3
          ? {
              responseTopic: random.pick([
                `homeassistant/siren/x/config`,
                `vigil/other/state`,
                '#',
                `vigil/${DEVICE}/r`,
              ]),
            }
          : {}),
        ...(random.next() < 0.3 ? { correlationData: random.bytes(random.int(64)) } : {}),
        ...(random.next() < 0.2
          ? { userProperties: { [`k${random.int(9)}`]: 'v'.repeat(random.int(200)) } }
          : {}),
        ...(random.next() < 0.2
          ? { payloadFormatIndicator: random.next() < 0.5, contentType: 'text/plain' }
          : {}),
      },
    };
    await attacker.publishAsync(topic, payload, options).catch(() => {
      // The broker may refuse or drop what it will not take; that is not the appliance's doing.
    });
    if (i % 20 === 0) await probe();
  }
  for (const topic of retained) await attacker.publishAsync(topic, '', { qos: 1, retain: true });
  await new Promise((r) => setTimeout(r, 2000));
  await probe();
  await attacker.endAsync();

  console.error(
    `mqtt fuzz: ${MESSAGES} messages, health at worst ${Math.round(healthWorst)} ms, RSS growth appliance ${Math.round((rssWorst.appliance - rssBase.appliance) / 1048576)} MB, central ${Math.round((rssWorst.central - rssBase.central) / 1048576)} MB`,
  );
  // The fuzz reached every door: commands refused, acks ignored, batches rejected.
  const applianceMetrics = await (await fetch(`${device.base}/metrics`)).text();
  assert.match(applianceMetrics, /vigil_mqtt_acks_ignored_total [1-9]/);
  const health = (await (await fetch(`${device.base}/api/v1/health`)).json()) as {
    services: Array<{ name: string; detail?: { commands?: { refused: number; accepted: number } } }>;
  };
  const commands = health.services.find((s) => s.name === 'mqtt')?.detail?.commands;
  assert.ok((commands?.refused ?? 0) > 0, JSON.stringify(commands));
  assert.equal(commands?.accepted, 0, 'no fuzzed command was obeyed');
  assert.match(
    await (await fetch(`${receiver.base}/metrics`)).text(),
    /vigil_central_batches_rejected_total\{reason="\w+"\} [1-9]/,
  );
  assert.equal(vigil.child.exitCode, null, `the appliance is still running (${replay})`);
  assert.equal(centralProcess.child.exitCode, null, `the central server is still running (${replay})`);
  assert.ok(healthWorst < HEALTH_LIMIT_MS, `health took ${Math.round(healthWorst)} ms at worst (${replay})`);
  for (const side of ['appliance', 'central'] as const) {
    const growth = rssWorst[side] - rssBase[side];
    assert.ok(growth <= RSS_GROWTH_LIMIT, `${side} RSS grew ${Math.round(growth / 1048576)} MB (${replay})`);
  }
  assert.deepEqual(applianceState(), before.appliance, `nothing refused changed the appliance (${replay})`);
  assert.equal(await centralCount(), before.central, `no device appeared on the central server (${replay})`);

  assert.equal(await stopVigil(vigil), 0);
  assert.equal(await stopVigil(centralProcess), 0);
  await broker.stop();
});
