/**
 * Event bus throughput and latency under the `block` policy, against a baseline measured in
 * the same run: a plain loop calling the same handlers directly (no queues, no promises).
 * Run: `npx tsx bench/eventBus.bench.ts [events]`.
 */
import { performance } from 'node:perf_hooks';
import { EventBus } from '../runtime/bus/eventBus';
import { benchSize, benchTitle, SMOKE } from './benchMode';

interface BenchEvents {
  'bench.tick': { i: number; t: number };
}

interface Result {
  eventsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

const EVENTS = benchSize(process.argv[2], 500_000, 2_000);
const WARMUP = SMOKE ? 1_000 : 50_000;

/** Handlers that only record publish→handle latency, so the bus's own cost dominates. */
function recorders(
  count: number,
  events: number,
): { handlers: ((e: { payload: { t: number } }) => void)[]; latencies: Float64Array } {
  const latencies = new Float64Array(events * count);
  let next = 0;
  const handler = (e: { payload: { t: number } }): void => {
    latencies[next++] = performance.now() - e.payload.t;
  };
  return { handlers: Array.from({ length: count }, () => handler), latencies };
}

function summarize(events: number, elapsedMs: number, latencies: Float64Array): Result {
  const sorted = latencies.slice().sort();
  const at = (q: number): number =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 1000;
  return { eventsPerSecond: (events / elapsedMs) * 1000, p50Us: at(0.5), p99Us: at(0.99) };
}

function runBaseline(subscribers: number, events: number): Result {
  const { handlers, latencies } = recorders(subscribers, events);
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const envelope = { payload: { i, t: performance.now() } };
    for (const handler of handlers) handler(envelope);
  }
  return summarize(events, performance.now() - start, latencies);
}

async function runBus(subscribers: number, events: number): Promise<Result> {
  let handlerErrors = 0;
  const bus = new EventBus<BenchEvents>({
    onHandlerError: () => {
      handlerErrors++;
    },
  });
  const { handlers, latencies } = recorders(subscribers, events);
  for (const [n, handler] of handlers.entries()) bus.on(`bench-${n}`, 'bench.tick', handler);
  const start = performance.now();
  for (let i = 0; i < events; i++) await bus.publish('bench.tick', { i, t: performance.now() });
  await bus.drain();
  const elapsed = performance.now() - start;
  const stats = bus.stats().topics['bench.tick'];
  if (handlerErrors > 0 || stats?.delivered !== events * subscribers || stats.dropped !== 0) {
    throw new Error(`bench lost events: ${JSON.stringify(stats)}`);
  }
  return summarize(events, elapsed, latencies);
}

function row(label: string, r: Result, ratio?: number): string {
  const rate = Math.round(r.eventsPerSecond).toLocaleString('en-US').padStart(12);
  const tail = ratio === undefined ? '' : `   ratio to baseline ${ratio.toFixed(3)}`;
  return `${label.padEnd(20)} ${rate} events/s   p50 ${r.p50Us.toFixed(1).padStart(7)} µs   p99 ${r.p99Us.toFixed(1).padStart(7)} µs${tail}\n`;
}

async function main(): Promise<void> {
  const out = process.stdout;
  out.write(
    `${benchTitle(`event bus bench: ${EVENTS.toLocaleString('en-US')} events, block policy, default capacity, node ${process.version}`)}\n`,
  );
  for (const subscribers of [1, 4]) {
    // Warm both paths so the JIT has compiled them before timing.
    runBaseline(subscribers, WARMUP);
    await runBus(subscribers, WARMUP);
    const baseline = runBaseline(subscribers, EVENTS);
    const bus = await runBus(subscribers, EVENTS);
    out.write(row(`baseline ${subscribers} sub`, baseline));
    out.write(row(`bus ${subscribers} sub`, bus, bus.eventsPerSecond / baseline.eventsPerSecond));
  }
}

await main();
