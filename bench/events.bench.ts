/**
 * Event processor throughput, in three parts, each beside raw batched inserts of the same rows
 * (one thread, 512 per fsync'd transaction, no processing) measured in the same run on the same
 * disk. Run bundled, as on the appliance (`npm run bench:events`).
 *
 * 1. Ingest → durable: several concurrent producers ingest realistic, partly duplicate events
 *    (~500-byte payloads) through validate → dedup → classify → aggregate → persist, every
 *    acknowledgement waiting for its group-committed fsync in the event log's writer thread.
 *    Budgets (design.md): ≥ 20,000 events/s, p99 ingest→durable ≤ 50 ms, ratio ≥ 0.4, RSS ≤ 200 MB
 *    with 10,000 active incidents.
 * 2. The whole path, in process, through the events service as the appliance wires it (built-in
 *    enrichers, default rules, the MQTT outbox on): ingest → durable → enriched → ruled → routed
 *    (outbox row written, live channels delivered, `routed` stored). Issue 21: ≥ 10,000 events/s.
 * 3. Latency ingest → routed at fixed offered rates: issue 21: p95 ≤ 100 ms at 1,000/s, p99 ≤
 *    300 ms at 5,000/s. "Routed" is when the outbox row is durable (the service publishes
 *    `event.processed` right after that commit); the `routed` state's commit follows, shown from
 *    the end-to-end histogram (bucket estimates).
 *
 * The machine may be shared: every figure is printed with the load average at the time.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { pino } from 'pino';
import { EventBus } from '../runtime/bus/eventBus';
import { loadConfig } from '../runtime/config/index';
import { Deduplicator } from '../runtime/events/deduplicator';
import { newEventId } from '../runtime/events/eventId';
import { EventIngest } from '../runtime/events/eventIngest';
import { EventLog } from '../runtime/events/eventLog/eventLog';
import { createEventMetrics } from '../runtime/events/eventMetrics';
import { EventStore } from '../runtime/events/eventStore';
import { EventsService } from '../runtime/events/eventsService';
import { EVENT_TOPIC_POLICIES, type EventTopics } from '../runtime/events/eventTopics';
import { IncidentAggregator } from '../runtime/events/incidentAggregator';
import { KnownIds } from '../runtime/events/knownIds';
import { Metrics } from '../runtime/metrics/metrics';
import { openDatabase } from '../runtime/store/database';
import { MIGRATIONS } from '../runtime/store/migrations/index';
import { migrate } from '../runtime/store/migrator';
import { StoreService } from '../runtime/store/storeService';
import { benchSize, benchTitle } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { type CpuSplit, ThreadCpu } from './threadCpu';

const TOTAL = benchSize(process.env.BENCH_EVENTS, 100_000, 500);
/** Events sent through the whole path (part 2). */
const ROUTED_TOTAL = benchSize(process.env.BENCH_EVENTS_ROUTED, 50_000, 500);
/** How long each fixed offered rate is held (part 3). */
const RATE_SECONDS = benchSize(process.env.BENCH_EVENTS_RATE_SECONDS, 5, 0.3);
const RATES = [1_000, 5_000];
const PRODUCERS = 8;
const IN_FLIGHT_PER_PRODUCER = 32;
const INCIDENTS = 11_000;
const dir = benchTempDir('vigil-bench-events-');
const T0 = Date.now();

function freshDb(name: string) {
  const file = join(dir, name);
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  return { db, file };
}

/** Event n: mostly detections of 10,000 tracked objects on 8 cameras, some motion and sensors, ~3 % resent ids. */
function makeEvent(n: number): Record<string, unknown> {
  const camera = `cam${n % 8}`;
  const kind = n % 20;
  const x = (n % 37) / 100;
  const base = {
    id: n % 33 === 0 && n > 0 ? `ev-${n - 1}` : `ev-${n}`,
    timestamp: T0 + n,
    camera,
    data: {
      frame: n,
      model: 'centernet',
      inference_ms: 42.5,
      region: [0, 0, 640, 360],
      note: 'synthetic detection for the benchmark, sized like a real one with attributes',
      attributes: { color: 'dark', direction: n % 2 ? 'left' : 'right', speed: (n % 9) / 3 },
    },
  };
  if (kind === 0) return { ...base, type: 'motion', data: { area: 100 + (n % 500), ...base.data } };
  if (kind === 1) return { ...base, type: 'sensor', label: `pir-${n % 4}`, source: 'gpio:pir' };
  return {
    ...base,
    type: 'object_detected',
    label: n % 5 === 0 ? 'car' : 'person',
    object_id: `track-${n % INCIDENTS}`,
    zones: n % 3 === 0 ? ['porch'] : [],
    confidence: 0.5 + (n % 50) / 100,
    box: [x, 0.1, x + 0.2, 0.6],
  };
}

async function processed(): Promise<{ rate: number; p50: number; p99: number; rssMb: number; open: number }> {
  const { db, file } = freshDb('processed.db');
  let commits = 0;
  let commitMs = 0;
  const log = await EventLog.open({
    file,
    maxBatch: 512,
    onCommit: (_n, ms) => {
      commits++;
      commitMs += ms;
    },
  });
  const store = new EventStore(db);
  const ingest = new EventIngest({
    log,
    knownIds: new KnownIds(),
    storedResult: (id) => store.findResult(id),
    dedup: new Deduplicator({ enabled: true, windowMs: () => 2000, iouThreshold: 0.85, maxEntries: 20_000 }),
    incidents: new IncidentAggregator({
      idleMs: 600_000,
      maxMs: 3_600_000,
      newId: () => newEventId(),
    }),
    metrics: createEventMetrics(new Metrics()),
    alarm: { mode: () => 'away', disarmedMode: 'disarmed', awayMode: 'away' },
    loiteringSeconds: () => 0,
    afterPersist: () => {},
  });
  const latencies = new Float64Array(TOTAL);
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < TOTAL) {
      const n = next++;
      const t0 = performance.now();
      await ingest.ingest(makeEvent(n), { actor: 'bench' });
      latencies[n] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS * IN_FLIGHT_PER_PRODUCER }, worker));
  const seconds = (performance.now() - start) / 1000;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    `  (${commits} commits in the writer thread, ${(commitMs / 1000).toFixed(1)} s inside them, ${seconds.toFixed(1)} s total)`,
  );
  const open = (
    db.prepare('SELECT count(*) AS n FROM incidents WHERE ended_at IS NULL').get() as { n: number }
  ).n;
  await log.close();
  db.close();
  latencies.sort();
  return {
    rate: TOTAL / seconds,
    p50: latencies[Math.floor(TOTAL * 0.5)] ?? Number.NaN,
    p99: latencies[Math.floor(TOTAL * 0.99)] ?? Number.NaN,
    rssMb,
    open,
  };
}

/** The same rows, inserted in batches of 512 with no processing at all. */
function rawBatched(): number {
  const { db } = freshDb('raw.db');
  const insert =
    db.prepare(`INSERT OR IGNORE INTO events (id, type, timestamp, received_at, source, camera, label,
    object_id, confidence, box, zones, data, correlation_id, severity, fingerprint, state)
    VALUES (?, ?, ?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?, 'c', 'low', 'f', 'persisted')`);
  const batch = db.transaction((slice: Array<Record<string, unknown>>) => {
    for (const e of slice) {
      insert.run(
        e.id,
        e.type,
        e.timestamp,
        e.timestamp,
        e.camera,
        e.label ?? null,
        e.object_id ?? null,
        e.confidence ?? null,
        e.box ? JSON.stringify(e.box) : null,
        JSON.stringify(e.zones ?? []),
        JSON.stringify(e.data),
      );
    }
  });
  const start = performance.now();
  for (let i = 0; i < TOTAL; i += 512) {
    batch(Array.from({ length: Math.min(512, TOTAL - i) }, (_, k) => makeEvent(i + k)));
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return TOTAL / seconds;
}

/** The events service as the appliance wires it, on a fresh database; MQTT on so the outbox is written. */
async function startService(name: string, threads?: ThreadCpu) {
  const dataDir = join(dir, name);
  const loaded = loadConfig({
    text: `data_dir: ${dataDir}\nmqtt: { enabled: true }\nalarm: { mode: away }\n`,
    env: {},
  });
  if (!loaded.ok) throw new Error(`bench config: ${JSON.stringify(loaded.errors)}`);
  const config = loaded.config;
  const logger = pino({ level: 'warn' });
  const commits = { count: 0, writes: 0, ms: 0 };
  const store = new StoreService({
    file: join(dataDir, 'vigil.db'),
    version: 'bench',
    groupCommit: {
      maxBatch: config.storage.group_commit.max_batch,
      maxDelayMs: config.storage.group_commit.max_delay_ms,
    },
    // Both writers report here: the main thread's and the event log's thread (nearly all of them).
    onCommit: (writes, ms) => {
      commits.count += 1;
      commits.writes += writes;
      commits.ms += ms;
    },
    logger,
  });
  await store.start();
  const bus = new EventBus<EventTopics>({
    policies: EVENT_TOPIC_POLICIES,
    onHandlerError: (err, envelope) => logger.error({ err, topic: envelope.topic }, 'bus handler failed'),
  });
  const metrics = new Metrics();
  const http = Fastify();
  const service = new EventsService({ config, store, bus, metrics, http, logger });
  // The event log's writer thread starts here: the CPU split tells it apart.
  await (threads ? threads.mark(() => service.start()) : service.start());
  const unrouted = store.db.prepare("SELECT count(*) FROM events WHERE state IN ('persisted', 'enriched')");
  const count = (sql: string) => store.db.prepare(sql).pluck().get() as number;
  return {
    service,
    bus,
    metrics,
    count,
    commits,
    /** Resolves once nothing stored is left unrouted (checked every 5 ms). */
    async routedAll(): Promise<void> {
      while ((unrouted.pluck().get() as number) > 0 || service.health().event_log_pending !== 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
    },
    async stop(): Promise<void> {
      await service.stop();
      await bus.drain();
      bus.close();
      await http.close();
      await store.stop();
    },
  };
}

/** Part 2: events offered by many producers as fast as they are taken; timed until every one is routed. */
async function wholePath(): Promise<{
  ingestRate: number;
  routedRate: number;
  routed: number;
  outbox: number;
  cpu: CpuSplit;
  commits: { count: number; writes: number; ms: number };
  seconds: number;
}> {
  const threads = new ThreadCpu();
  const app = await startService('whole', threads);
  let next = 0;
  threads.begin();
  const start = performance.now();
  const producer = async () => {
    while (next < ROUTED_TOTAL) {
      const n = next++;
      await app.service.ingest(makeEvent(n), { actor: 'bench' });
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS * IN_FLIGHT_PER_PRODUCER }, producer));
  const ingestSeconds = (performance.now() - start) / 1000;
  await app.routedAll();
  const seconds = (performance.now() - start) / 1000;
  const cpu = threads.end();
  const routed = app.count("SELECT count(*) FROM events WHERE state = 'routed'");
  const outbox = app.count('SELECT count(*) FROM outbox');
  const stored = app.count('SELECT count(*) FROM events');
  await app.stop();
  if (routed !== stored || outbox !== stored)
    throw new Error(`${stored} events stored, but ${routed} routed and ${outbox} outbox rows`);
  const perEvent = (us: number) => us / routed;
  return {
    ingestRate: stored / ingestSeconds,
    routedRate: routed / seconds,
    routed,
    outbox,
    commits: { ...app.commits },
    seconds,
    cpu: { main: perEvent(cpu.main), started: perEvent(cpu.started), other: perEvent(cpu.other) },
  };
}

interface RateResult {
  rate: number;
  offered: number;
  created: number;
  measured: number;
  p50: number;
  p95: number;
  p99: number;
  /** From the end-to-end histogram: receipt → `routed` committed (bucket estimates, ms). */
  routedState: { p50: number | null; p95: number | null; p99: number | null };
  load: string;
}

/** Part 3: `rate` distinct events a second for RATE_SECONDS, each timed from its offer to its routing. */
async function atRate(rate: number, offset: number): Promise<RateResult> {
  const app = await startService(`rate-${rate}`);
  const offeredAt = new Map<string, number>();
  const routedAt = new Map<string, number>();
  // Room for every event: the topic's own queue drops its oldest beyond 1,000 (live views).
  app.bus.on(
    'bench',
    'event.processed',
    (envelope) => {
      routedAt.set(envelope.payload.event.id, performance.now());
    },
    { capacity: 100_000 },
  );
  const total = Math.max(1, Math.round(rate * RATE_SECONDS));
  const created: string[] = [];
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  let offered = 0;
  while (offered < total) {
    // As many as the rate allows by now: a steady stream, not a burst a second.
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    for (; offered < due; offered++) {
      const event = { ...makeEvent(offset + offered * 33 + 1), id: `rate-${rate}-${offered}` };
      offeredAt.set(event.id, performance.now());
      inFlight.push(
        app.service.ingest(event, { actor: 'bench' }).then((result) => {
          if (result.status === 'created') created.push(result.id);
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  await app.routedAll();
  await app.bus.drain();
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  const latencies = created
    .flatMap((id) => {
      const done = routedAt.get(id);
      const from = offeredAt.get(id);
      return done === undefined || from === undefined ? [] : [done - from];
    })
    .sort((a, b) => a - b);
  const snapshot = await app.metrics.snapshot();
  const endToEnd = snapshot.summaries.vigil_events_end_to_end_seconds?.[0];
  await app.stop();
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 1000);
  return {
    rate,
    offered: total,
    created: created.length,
    measured: latencies.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    routedState: { p50: ms(endToEnd?.p50), p95: ms(endToEnd?.p95), p99: ms(endToEnd?.p99) },
    load,
  };
}

const load = () => `load ${loadavg()[0]?.toFixed(1) ?? '?'}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const msText = (n: number | null) => (n === null || !Number.isFinite(n) ? 'n/a' : `${n.toFixed(1)} ms`);
console.log(
  benchTitle(
    `event processor bench: ${fmt(TOTAL)} events ingested, ${fmt(ROUTED_TOTAL)} through the whole path, ${PRODUCERS}×${IN_FLIGHT_PER_PRODUCER} concurrent producers, WAL + synchronous=FULL`,
  ),
);
const result = await processed();
const ingestLoad = load();
const raw = rawBatched();
const rawLoad = load();
const whole = await wholePath();
const wholeLoad = load();
// The baseline again after the whole path, so a change in load between parts shows.
const rawAfter = rawBatched();
const rawAfterLoad = load();
const rates: RateResult[] = [];
for (const [i, rate] of RATES.entries()) rates.push(await atRate(rate, (i + 1) * 1_000_000));

console.log(
  `  raw batched insert of the same rows: ${fmt(raw)} rows/s (${rawLoad}); after part 2: ${fmt(rawAfter)} rows/s (${rawAfterLoad})`,
);
console.log('  1. ingest → durable');
console.log(
  `  processed + acknowledged durable:    ${fmt(result.rate)} events/s (budget ≥ 20,000; ${ingestLoad})`,
);
console.log(
  `  ingest → durable latency:            p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (budget p99 ≤ 50)`,
);
console.log(`  ratio to raw:                        ${(result.rate / raw).toFixed(2)} (budget ≥ 0.40)`);
console.log(
  `  RSS with ${fmt(result.open)} open incidents:      ${result.rssMb.toFixed(0)} MB (budget ≤ 200)`,
);
const rawMean = (raw + rawAfter) / 2;
console.log(
  '  2. whole path: ingest → durable → enriched → ruled → routed (outbox row, live channels, state)',
);
console.log(
  `  routed end to end:                   ${fmt(whole.routedRate)} events/s (target ≥ 10,000; ${wholeLoad}); ingest in the same run ${fmt(whole.ingestRate)}/s`,
);
console.log(
  `  ratio routed / raw:                  ${(whole.routedRate / rawMean).toFixed(3)} (raw: mean of the two baselines); routed / ingested ${(whole.routedRate / whole.ingestRate).toFixed(2)}`,
);
console.log(`  rows: ${fmt(whole.routed)} events routed, ${fmt(whole.outbox)} outbox rows`);
console.log(
  `  commits: ${fmt(whole.commits.count)} (${(whole.commits.writes / whole.commits.count).toFixed(1)} writes each), ${(whole.commits.ms / 1000).toFixed(1)} s inside them of ${whole.seconds.toFixed(1)} s`,
);
const { main, started, other } = whole.cpu;
console.log(
  `  CPU per routed event:                ${(main + started + other).toFixed(0)} µs: main thread ${main.toFixed(0)}, event log writer ${started.toFixed(0)}, other threads (V8 GC and compiler, libuv) ${other.toFixed(0)}`,
);
console.log('  3. latency ingest → routed (outbox row durable) at fixed offered rates');
for (const r of rates) {
  const target = r.rate === 1_000 ? 'target p95 ≤ 100 ms' : r.rate === 5_000 ? 'target p99 ≤ 300 ms' : '';
  console.log(
    `  ${fmt(r.rate)}/s for ${RATE_SECONDS} s: p50 ${msText(r.p50)}, p95 ${msText(r.p95)}, p99 ${msText(r.p99)} (${target}; ${fmt(r.measured)} of ${fmt(r.created)} created timed; load ${r.load})`,
  );
  console.log(
    `      to the \`routed\` state committed (histogram estimate): p50 ${msText(r.routedState.p50)}, p95 ${msText(r.routedState.p95)}, p99 ${msText(r.routedState.p99)}`,
  );
}
