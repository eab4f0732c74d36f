/**
 * Group commit vs the raw batched SQLite insert rate, measured in the same run on the same disk.
 * Budget (design.md): ≥ 20,000 durable writes/s, p99 write→durable ≤ 50 ms, ≥ 0.4 × raw batched.
 * Run: `npx tsx bench/groupCommit.bench.ts` (BENCH_GROUP_COMMIT_WRITES sets the number of writes).
 */
import { join } from 'node:path';
import { openDatabase } from '../runtime/store/database';
import { GroupCommitWriter } from '../runtime/store/groupCommitWriter';
import { benchSize, benchTitle } from './benchMode';
import { benchTempDir } from './benchTempDir';

const TOTAL = benchSize(process.env.BENCH_GROUP_COMMIT_WRITES, 100_000, 500);
const IN_FLIGHT = 2_000;
const PAYLOAD = JSON.stringify({ camera: 'front', label: 'person', score: 0.91, box: [0.1, 0.2, 0.3, 0.4] });
const dir = benchTempDir('vigil-bench-group-commit-');

function freshDb(name: string) {
  const db = openDatabase(join(dir, name));
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, payload TEXT NOT NULL)');
  return db;
}

function rawBatched(): number {
  const db = freshDb('raw.db');
  const insert = db.prepare('INSERT INTO events (ts, payload) VALUES (?, ?)');
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(Date.now(), PAYLOAD);
  });
  const start = performance.now();
  for (let done = 0; done < TOTAL; done += 512) batch(Math.min(512, TOTAL - done));
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return TOTAL / seconds;
}

async function groupCommitted(): Promise<{ rate: number; p50: number; p99: number; commits: number }> {
  const db = freshDb('group.db');
  const insert = db.prepare('INSERT INTO events (ts, payload) VALUES (?, ?)');
  let commits = 0;
  const writer = new GroupCommitWriter(db, { maxBatch: 512, maxDelayMs: 2, onCommit: () => commits++ });
  const latencies = new Float64Array(TOTAL);
  let issued = 0;
  const start = performance.now();
  async function caller(): Promise<void> {
    while (issued < TOTAL) {
      const i = issued++;
      const t0 = performance.now();
      await writer.write(() => insert.run(Date.now(), PAYLOAD));
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, caller));
  const seconds = (performance.now() - start) / 1000;
  writer.close();
  db.close();
  latencies.sort();
  return {
    rate: TOTAL / seconds,
    p50: latencies[Math.floor(TOTAL * 0.5)] ?? Number.NaN,
    p99: latencies[Math.floor(TOTAL * 0.99)] ?? Number.NaN,
    commits,
  };
}

const raw = rawBatched();
const group = await groupCommitted();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  benchTitle(
    `group commit bench: ${fmt(TOTAL)} writes, ${IN_FLIGHT} callers in flight, WAL + synchronous=FULL`,
  ),
);
console.log(`  raw batched insert (512/txn):   ${fmt(raw)} rows/s`);
console.log(`  group-commit writer (awaited):  ${fmt(group.rate)} writes/s in ${fmt(group.commits)} commits`);
console.log(
  `  write → durable latency:        p50 ${group.p50.toFixed(1)} ms, p99 ${group.p99.toFixed(1)} ms`,
);
console.log(`  ratio to raw:                   ${(group.rate / raw).toFixed(2)} (budget ≥ 0.40)`);
