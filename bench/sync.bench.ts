/**
 * The MQTT sync's throughput (the MQTT issue's figures): events through outbox → mosquitto →
 * `vigil central` (its receiver and database, in this process) → ack → outbox marked, all real.
 * - drain: 100,000 events already in the outbox (hours offline), timed until every one is
 *   acknowledged, for a few batch sizes and with gzip;
 * - sustained: events added to the outbox at a steady rate while syncing, with the time from
 *   outbox to acknowledgement (p50/p99).
 * The appliance side is the real SyncWorker on a real appliance database; only the routing
 * worker that normally fills the outbox is left out (its cost is the event processor's bench).
 * The broker runs with `set_tcp_nodelay true`, as the README recommends for the central broker.
 * Run: `npm run bench:sync` (BENCH_SYNC_EVENTS sets the backlog size). Fails if a drain stops
 * making progress for a minute.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { AppEvents } from '../runtime/appTopics';
import { EventBus } from '../runtime/bus/eventBus';
import { enrollDevice } from '../runtime/central/deviceKeys';
import { buildCentralApp } from '../runtime/centralApp';
import { applyDefaults } from '../runtime/config/applyDefaults';
import { type Config, ConfigSchema } from '../runtime/config/schema/index';
import { Metrics } from '../runtime/metrics/metrics';
import { MqttConnection } from '../runtime/mqtt/mqttConnection';
import { registerMqttMetrics } from '../runtime/mqtt/mqttMetrics';
import { SyncWorker } from '../runtime/mqtt/sync/syncWorker';
import { VigilTopics } from '../runtime/mqtt/vigilTopics';
import { StoreService } from '../runtime/store/storeService';
import { freePort } from '../test/helpers/freePort';
import { startBroker } from '../test/helpers/mosquitto';
import { benchSize, benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';

const BACKLOG = benchSize(process.env.BENCH_SYNC_EVENTS, 100_000, 500);
const SUSTAINED_RATE = 5_000;
const SUSTAINED_SECONDS = SMOKE ? 2 : 10;
/** A drain with no acknowledgement for this long is stuck, not slow. */
const STALL_MS = 60_000;
const DEVICE = 'bench-pi';
/** The device key both ends sign with (the appliance's, enrolled on the central server). */
const KEY = randomBytes(32);

const dir = benchTempDir('vigil-bench-sync-');
const logger = pino({ level: 'warn' });

/** A processed event as the routing worker stores it in the outbox (the public event JSON). */
function payload(n: number): string {
  const camera = ['front', 'back', 'garage'][n % 3];
  return JSON.stringify({
    id: `bench-${n}`,
    type: 'intrusion',
    timestamp: new Date(1_790_000_000_000 + n * 10).toISOString(),
    source: 'pipeline',
    camera,
    zones: ['porch'],
    label: 'person',
    object_id: `1790000000.${n}-abcdef`,
    confidence: 0.87,
    box: [0.21, 0.3, 0.42, 0.91],
    severity: 'high',
    incident_id: `incident-${Math.floor(n / 10)}`,
    correlation_id: '6f1c0f8e-0c4b-4a53-9c55-1d1d6a3f2b11',
    parent_id: null,
    description: `1 person in zone porch at ${camera}`,
    tags: ['alert'],
    data: { phase: 'update', top_score: 0.91, stationary: false, entered_zones: ['porch'] },
  });
}

function config(overrides: Record<string, unknown>): Config {
  return applyDefaults(ConfigSchema, overrides) as Config;
}

async function run(): Promise<void> {
  const broker = await startBroker({ dir });
  const centralConfig = config({
    data_dir: join(dir, 'central'),
    http: { host: '127.0.0.1', port: await freePort() },
    mqtt: { url: broker.url },
    log: { level: 'warn' },
  });
  enrollDevice(centralConfig.data_dir, DEVICE, KEY.toString('base64url'));
  const central = await buildCentralApp(centralConfig, { env: {}, logDestination: { write: () => {} } });
  await central.runner.startAll();
  await sleep(300);

  console.log(
    benchTitle(`sync: outbox → mosquitto → vigil central → ack, ${BACKLOG.toLocaleString()} event backlog`),
  );
  for (const variant of [
    { batch: 100, gzip: false },
    { batch: 500, gzip: false },
    { batch: 2000, gzip: false },
    { batch: 500, gzip: true },
  ]) {
    const result = await drain(broker.url, variant.batch, variant.gzip);
    console.log(
      `  drain  batch ${String(variant.batch).padStart(4)}${variant.gzip ? ' gzip' : '     '}: ${result.seconds.toFixed(1)} s ` +
        `→ ${Math.round(BACKLOG / result.seconds).toLocaleString()} events/s, ${(result.mb / result.seconds).toFixed(1)} MB/s of events`,
    );
  }
  const sustained = await sustain(broker.url);
  console.log(
    `  sustained ${SUSTAINED_RATE.toLocaleString()} events/s for ${SUSTAINED_SECONDS} s (batch 500): ` +
      `${sustained.acked.toLocaleString()} of ${sustained.total.toLocaleString()} acknowledged, outbox → ack p50 ${sustained.p50} ms, p99 ${sustained.p99} ms`,
  );
  await central.shutdown.run('bench done');
  await broker.stop();
}

/** A fresh appliance database with `count` events waiting, and a sync worker on it. */
async function appliance(url: string, batch: number, gzip: boolean, name: string) {
  const appConfig = config({
    device: { id: DEVICE },
    data_dir: join(dir, name),
    mqtt: {
      enabled: true,
      url,
      sync: { batch_size: batch, compression: gzip ? 'gzip' : 'none' },
      outbox: { max_rows: 10_000_000, max_mb: 100_000 },
    },
  });
  const store = new StoreService({
    file: join(dir, name, 'vigil.db'),
    version: 'bench',
    groupCommit: { maxBatch: 512, maxDelayMs: 2 },
    logger,
  });
  await store.start();
  const topics = new VigilTopics('vigil', DEVICE);
  const connection = new MqttConnection({
    config: appConfig.mqtt,
    clientId: `bench-${name}`,
    maxPacketBytes: 4 * 1024 * 1024,
    logger,
  });
  const metrics = registerMqttMetrics(new Metrics(), { connection: () => null, sync: () => null });
  const bus = new EventBus<AppEvents>({ onHandlerError: () => {} });
  const worker = new SyncWorker({
    config: appConfig.mqtt,
    deviceId: DEVICE,
    key: KEY,
    connection,
    topics,
    db: store.db,
    writer: store.writer,
    bus,
    logger,
    metrics,
  });
  const insert = store.db.prepare(
    'INSERT INTO outbox (event_id, camera, severity, payload, created_at, bytes, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  let next = 0;
  const add = (count: number) =>
    store.db.transaction(() => {
      const now = Date.now();
      for (let i = 0; i < count; i += 1, next += 1) {
        const json = payload(next);
        insert.run(`bench-${next}`, 'front', 'high', json, now, Buffer.byteLength(json), next + 1);
      }
    })();
  return { store, connection, worker, add, added: () => next };
}

async function drain(url: string, batch: number, gzip: boolean): Promise<{ seconds: number; mb: number }> {
  const name = `drain-${batch}-${gzip}`;
  const { store, connection, worker, add } = await appliance(url, batch, gzip, name);
  add(BACKLOG);
  const mb = (store.db.prepare('SELECT SUM(bytes) FROM outbox').pluck().get() as number) / 1e6;
  worker.start();
  const started = performance.now();
  connection.start();
  let acked = 0;
  let progressAt = performance.now();
  while (acked < BACKLOG) {
    await sleep(20);
    if (worker.status().acked > acked) {
      acked = worker.status().acked;
      progressAt = performance.now();
    } else if (performance.now() - progressAt > STALL_MS) {
      throw new Error(`drain ${name} stuck at ${acked} of ${BACKLOG} acknowledged for ${STALL_MS / 1000} s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  await connection.stop();
  await store.stop();
  return { seconds, mb };
}

async function sustain(url: string): Promise<{ acked: number; total: number; p50: number; p99: number }> {
  const { store, connection, worker, add, added } = await appliance(url, 500, false, 'sustained');
  worker.start();
  connection.start();
  await sleep(300);
  // Every 100 ms, top up to where a steady SUSTAINED_RATE would be by now.
  const started = performance.now();
  const until = started + SUSTAINED_SECONDS * 1000;
  while (performance.now() < until) {
    add(Math.floor(((performance.now() - started) / 1000) * SUSTAINED_RATE) - added());
    await sleep(100);
  }
  const total = added();
  const deadline = performance.now() + 30_000;
  while (worker.status().acked < total && performance.now() < deadline) await sleep(20);
  const latencies = store.db
    .prepare('SELECT acked_at - created_at FROM outbox WHERE acked_at IS NOT NULL ORDER BY 1')
    .pluck()
    .all() as number[];
  await worker.stop();
  await connection.stop();
  await store.stop();
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { acked: worker.status().acked, total, p50: at(0.5), p99: at(0.99) };
}

// A failure is thrown out of here, so the process exits 1 at once (the broker is killed on exit)
// instead of waiting on the broker and connections left open.
await run();
