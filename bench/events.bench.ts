/**
 * Event processor throughput: several concurrent producers ingest realistic, partly duplicate
 * events (~500-byte payloads) through validate → dedup → classify → aggregate → persist, every
 * acknowledgement waiting for its group-committed fsync in the event log's writer thread.
 * Compared, in the same run and on the same disk, with raw batched inserts of the same rows (one
 * thread, 512 per fsync'd transaction, no processing). Run bundled, as on the appliance
 * (`npm run bench:events`). Budgets (design.md): ≥ 20,000 events/s, p99 ingest→durable ≤ 50 ms,
 * ratio ≥ 0.4, RSS ≤ 200 MB with 10,000 active incidents.
 */
import { join } from 'node:path';
import { Deduplicator } from '../runtime/events/deduplicator';
import { newEventId } from '../runtime/events/eventId';
import { EventIngest } from '../runtime/events/eventIngest';
import { EventLog } from '../runtime/events/eventLog/eventLog';
import { createEventMetrics } from '../runtime/events/eventMetrics';
import { EventStore } from '../runtime/events/eventStore';
import { IncidentAggregator } from '../runtime/events/incidentAggregator';
import { KnownIds } from '../runtime/events/knownIds';
import { Metrics } from '../runtime/metrics/metrics';
import { openDatabase } from '../runtime/store/database';
import { MIGRATIONS } from '../runtime/store/migrations/index';
import { migrate } from '../runtime/store/migrator';
import { benchSize, benchTitle } from './benchMode';
import { benchTempDir } from './benchTempDir';

const TOTAL = benchSize(process.env.BENCH_EVENTS, 100_000, 500);
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

const result = await processed();
const raw = rawBatched();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  benchTitle(
    `event processor bench: ${fmt(TOTAL)} events, ${PRODUCERS}×${IN_FLIGHT_PER_PRODUCER} concurrent producers, WAL + synchronous=FULL`,
  ),
);
console.log(`  raw batched insert of the same rows: ${fmt(raw)} rows/s`);
console.log(`  processed + acknowledged durable:    ${fmt(result.rate)} events/s (budget ≥ 20,000)`);
console.log(
  `  ingest → durable latency:            p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (budget p99 ≤ 50)`,
);
console.log(`  ratio to raw:                        ${(result.rate / raw).toFixed(2)} (budget ≥ 0.40)`);
console.log(
  `  RSS with ${fmt(result.open)} open incidents:      ${result.rssMb.toFixed(0)} MB (budget ≤ 200)`,
);
