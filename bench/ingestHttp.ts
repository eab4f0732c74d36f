/**
 * bench:web's ingest section: events handed in over HTTP to the real `vigil run` (bearer-token
 * auth on), one per `POST /api/v1/events` and BATCH per `POST /api/v1/events/batch`, each
 * hammered by autocannon for a few seconds with distinct events (nothing folds). With
 * BENCH_WEB_BASELINE=<commit> the single POST is measured on that commit's build too, in the
 * same run, and printed as a ratio (the machine's load changes between runs, not within one).
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';
import { stopVigil, untilRunning } from '../test/runtime/events/e2e/e2eKit';
import { writeStreamConfig } from '../test/runtime/web/liveStream/streamKit';
import { benchTitle } from './benchMode';
import { benchTempDir } from './benchTempDir';

const ROOT = join(import.meta.dirname, '..');
const BATCH = 100;
/** How long routing may take to drain what a run accepted; beyond it the figures are void. */
const DRAIN_LIMIT_S = 300;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  /** Requests per second over all connections (open loop); absent: as fast as answered. */
  overallRate?: number;
  requests: Array<Request & { setupRequest: (request: Request) => Request }>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Events accepted (stored) and routed (through rules and routing) during one hammering, and after it. */
export interface RoutedFigures {
  /** Events stored per second while autocannon ran. */
  accepted: number;
  /** Events routed per second in the same window. */
  routed: number;
  /** Seconds after the window until every accepted event was routed (the backlog drained). */
  drainSeconds: number;
  /** All accepted events / (window + drain): the rate the whole path sustained end to end. */
  endToEnd: number;
}

export interface IngestFigures {
  label: string;
  single: AutocannonResult;
  batch: AutocannonResult | null;
  singleRouted?: RoutedFigures;
  batchRouted?: RoutedFigures;
  /** Batches at fixed offered rates (events/s): where routing keeps up and where it does not. */
  offered?: Array<{ rate: number; result: AutocannonResult; routed: RoutedFigures }>;
}

/** Events stored (`vigil_events_processed_total`) and routed (`vigil_events_end_to_end_seconds` observations) so far. */
async function eventCounts(base: string, headers: Record<string, string>) {
  const response = await fetch(`${base}/api/v1/metrics`, { headers });
  const snapshot = (await response.json()) as {
    counters: Record<string, Array<{ value: number }> | undefined>;
    summaries: Record<string, Array<{ count: number }> | undefined>;
  };
  const accepted = (snapshot.counters.vigil_events_processed_total ?? []).reduce(
    (sum, c) => sum + c.value,
    0,
  );
  const routed = snapshot.summaries.vigil_events_end_to_end_seconds?.[0]?.count ?? 0;
  return { accepted, routed };
}

/**
 * Runs `hammer` while counting what was stored and routed in its window, then waits (at most
 * `drainLimitS`) until routing has caught up, so the next run starts with no backlog.
 */
async function withRouted<T>(
  base: string,
  headers: Record<string, string>,
  drainLimitS: number,
  hammer: () => Promise<T>,
): Promise<{ result: T; routed: RoutedFigures }> {
  const before = await eventCounts(base, headers);
  const started = performance.now();
  const result = await hammer();
  const windowS = (performance.now() - started) / 1000;
  const during = await eventCounts(base, headers);
  let after = during;
  while (after.routed < after.accepted && performance.now() - started < (windowS + drainLimitS) * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await eventCounts(base, headers);
  }
  if (after.routed < after.accepted)
    throw new Error(
      `routing did not catch up within ${drainLimitS} s (${after.routed} of ${after.accepted})`,
    );
  const totalS = (performance.now() - started) / 1000;
  const accepted = after.accepted - before.accepted;
  return {
    result,
    routed: {
      accepted: (during.accepted - before.accepted) / windowS,
      routed: (during.routed - before.routed) / windowS,
      drainSeconds: totalS - windowS,
      endToEnd: accepted / totalS,
    },
  };
}

/** One distinct sensor event: its own label, so no dedup rule folds it. */
function event(run: string, n: number): string {
  return `{"type":"sensor","source":"bench","label":"${run}-${n}","data":{"state":"open","n":${n}}}`;
}

/** Single and batch POST figures against the bundle in `bundleDir` (batch only when `batch`). */
export async function ingestFigures(
  bundleDir: string,
  label: string,
  options: {
    seconds: number;
    connections: number;
    token: string;
    batch: boolean;
    /** Offered batch rates (events/s) to measure routed/accepted at, after the as-fast-as-answered runs. */
    offeredRates?: readonly number[];
  },
): Promise<IngestFigures> {
  const dir = benchTempDir('vigil-bench-ingest-');
  const port = await freePort();
  const config = writeStreamConfig(dir, port, {
    auth: `{ enabled: true, token: ${options.token} }`,
    workers: 4,
  });
  const vigil = await untilRunning(
    startVigil(['run', '--config', config], {}, undefined, join(bundleDir, 'vigil.mjs')),
  );
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const run = `${label.replace(/\W/g, '')}${Date.now().toString(36)}`;
  let n = 0;
  const hammer = (path: string, body: () => string, eventsPerSecond?: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: options.connections,
      duration: options.seconds,
      ...(eventsPerSecond ? { overallRate: eventsPerSecond / BATCH } : {}),
      requests: [
        { method: 'POST', path, headers, setupRequest: (request) => ({ ...request, body: body() }) },
      ],
    });
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: headers.authorization };
  const batchBody = () => `[${Array.from({ length: BATCH }, () => event(run, n++)).join(',')}]`;
  try {
    const single = await withRouted(base, auth, DRAIN_LIMIT_S, () =>
      hammer('/api/v1/events', () => event(run, n++)),
    );
    const batch = options.batch
      ? await withRouted(base, auth, DRAIN_LIMIT_S, () => hammer('/api/v1/events/batch', batchBody))
      : undefined;
    const offered: NonNullable<IngestFigures['offered']> = [];
    for (const rate of options.batch ? (options.offeredRates ?? []) : []) {
      const { result, routed } = await withRouted(base, auth, DRAIN_LIMIT_S, () =>
        hammer('/api/v1/events/batch', batchBody, rate),
      );
      offered.push({ rate, result, routed });
    }
    return {
      label,
      single: single.result,
      batch: batch?.result ?? null,
      singleRouted: single.routed,
      ...(batch ? { batchRouted: batch.routed } : {}),
      ...(offered.length > 0 ? { offered } : {}),
    };
  } finally {
    await stopVigil(vigil);
  }
}

/** Bundles the daemon as `commit` built it, into a directory of the bench's own. */
export async function commitBundle(commit: string): Promise<string> {
  const src = benchTempDir('vigil-bench-baseline-');
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${commit}" | tar -x -C "${src}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const theirs = (await import(pathToFileURL(join(src, 'build.ts')).href)) as {
    bundleOptions: (outdir: string) => Parameters<typeof build>[0];
    ENTRY_POINTS: Record<string, string>;
  };
  const out = join(src, 'dist');
  const entryPoints = Object.fromEntries(
    Object.entries(theirs.ENTRY_POINTS).map(([name, file]) => [name, join(src, file)]),
  );
  await build({ ...theirs.bundleOptions(out), entryPoints });
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

/** Prints the figures, events/s, the batch and single rates as ratios, and the load average. */
export function printIngest(figures: IngestFigures[], seconds: number, connections: number): void {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    benchTitle(
      `ingest over HTTP: autocannon, ${connections} connections, ${seconds} s each, distinct sensor events, ` +
        `bearer-token auth; load average ${load} (a loaded machine: compare ratios, not absolutes)`,
    ),
  );
  console.log(
    `  ${'build / route'.padEnd(34)} ${'req/s'.padStart(8)} ${'events/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  non-2xx`,
  );
  const line = (name: string, r: AutocannonResult, perRequest: number) =>
    console.log(
      `  ${name.padEnd(34)} ${Math.round(r.requests.average).toLocaleString().padStart(8)} ` +
        `${Math.round(r.requests.average * perRequest)
          .toLocaleString()
          .padStart(9)} ${r.latency.p50.toFixed(1).padStart(7)} ` +
        `${r.latency.p99.toFixed(1).padStart(7)}  ${r.non2xx + r.errors + r.timeouts}`,
    );
  for (const f of figures) {
    line(`${f.label}: POST /api/v1/events`, f.single, 1);
    if (f.batch) line(`${f.label}: POST /events/batch (${BATCH}/req)`, f.batch, BATCH);
  }
  console.log(
    `  routed over HTTP, same run (accepted = stored during autocannon's window; routed = through rules and routing in it; ` +
      `end to end = all accepted / (window + time until routing caught up)):`,
  );
  console.log(
    `  ${'build / route'.padEnd(34)} ${'accepted/s'.padStart(10)} ${'routed/s'.padStart(9)} ${'routed/accepted'.padStart(16)} ${'drain s'.padStart(8)} ${'end to end/s'.padStart(13)}`,
  );
  const routedLine = (name: string, r: RoutedFigures | undefined) => {
    if (r === undefined) return;
    console.log(
      `  ${name.padEnd(34)} ${Math.round(r.accepted).toLocaleString().padStart(10)} ${Math.round(r.routed)
        .toLocaleString()
        .padStart(9)} ${`${(r.routed / r.accepted).toFixed(2)}×`.padStart(16)} ${r.drainSeconds
        .toFixed(1)
        .padStart(8)} ${Math.round(r.endToEnd).toLocaleString().padStart(13)}`,
    );
  };
  for (const f of figures) {
    routedLine(`${f.label}: POST /api/v1/events`, f.singleRouted);
    routedLine(`${f.label}: POST /events/batch (${BATCH}/req)`, f.batchRouted);
    for (const o of f.offered ?? [])
      routedLine(`${f.label}: batch offered ${o.rate.toLocaleString()}/s`, o.routed);
  }
  const mine = figures.filter((f) => f.label === 'this build');
  const base = figures.filter((f) => f.label !== 'this build');
  const batch = mine.find((f) => f.batch);
  const mean = (runs: IngestFigures[]) =>
    runs.reduce((sum, f) => sum + f.single.requests.average, 0) / runs.length;
  if (batch?.batch)
    console.log(
      `  batch / single events/s: ${((batch.batch.requests.average * BATCH) / mean(mine)).toFixed(1)}×`,
    );
  if (mine.length > 0 && base.length > 0)
    console.log(
      `  single POST, this build / ${base[0]?.label} (mean of ${mine.length} alternating runs each): ${(mean(mine) / mean(base)).toFixed(2)}×`,
    );
}
