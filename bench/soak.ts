/**
 * Soak (issue 23 item 6): the appliance as it ships — `vigil run` bundled as build.ts bundles
 * it, started with the daemon's Node options and environment as systemd/vigil.service runs it —
 * with two cameras (vtest.avi's people walking, and an idle camera-like 720p H.264 stream, as
 * bench:memory) and an event load over HTTP with a bearer token, for N minutes. Every 10 s it
 * samples from /proc the vigil process's RSS (all its threads), open descriptors, child
 * processes and threads, and the V8 heap from the Prometheus metrics; every minute it prints the
 * latest. At the end, after the warm-up (5 minutes, or a third of a shorter run): the RSS slope
 * by least squares in MB per 10 minutes, descriptors and children min/max, and the verdicts
 * against the targets (bench/soakFigures.ts). Exits 1 if the appliance died, events were refused,
 * or (runs of 10 minutes or more) a target was missed.
 *
 * `npm run soak -- --minutes N` (default 30) `--events-per-second R` (default 10).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DAEMON_ENV, DAEMON_NODE_OPTIONS, ENTRY_POINTS } from '../build';
import { vtestVideo } from '../eval/footage';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';
import { stopVigil } from '../test/runtime/events/e2e/e2eKit';
import { benchTempDir } from './benchTempDir';
import { withBundles } from './bundles';
import { cameraLikeIdleVideo } from './cameraLikeVideo';
import { pacedLoad } from './pacedLoad';
import {
  FD_TOLERANCE,
  RSS_SLOPE_LIMIT_MB_PER_10_MIN,
  type SoakSample,
  soakVerdict,
  warmUpMinutes,
} from './soakFigures';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'events-per-second': { type: 'string', default: '10' },
  },
});
const MINUTES = Number(args.minutes);
const EVENTS_PER_SECOND = Number(args['events-per-second']);
if (!Number.isInteger(MINUTES) || MINUTES < 1)
  throw new Error(`--minutes: a whole number ≥ 1, not ${args.minutes}`);
if (!Number.isFinite(EVENTS_PER_SECOND) || EVENTS_PER_SECOND < 0 || EVENTS_PER_SECOND > 1000)
  throw new Error(`--events-per-second: 0 to 1000, not ${args['events-per-second']}`);
/** Shorter runs only show the soak works: their slope is mostly warm-up noise, so no verdict fails them. */
const JUDGED = MINUTES >= 10;
const SAMPLE_MS = 10_000;
/** Events posted but not answered yet: beyond it the load waits instead of piling up sockets. */
const MAX_IN_FLIGHT = 50;
const STARTUP_TIMEOUT_MS = 180_000;
const TOKEN = 'soak-token';
const dir = benchTempDir('vigil-soak-');

/** Reads a /proc file of `pid`, or undefined once the process is gone. */
function procRead(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // it exited
  }
}

/** How many processes have `pid` as their parent (ffmpeg per camera). */
function childCount(pid: number): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procRead(Number(entry), 'stat');
    // Field 4 (ppid) follows the command name, which may itself hold spaces and parentheses.
    if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) count++;
  }
  return count;
}

/** V8 heap used in MB from the Prometheus text, or undefined if the metric is not exposed. */
async function heapMb(base: string): Promise<number | undefined> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  const match = /^vigil_nodejs_heap_size_used_bytes(?:\{[^}]*\})? ([\d.e+]+)/m.exec(text);
  return match ? Number(match[1]) / 2 ** 20 : undefined;
}

/** Samples the vigil process; throws if it has gone. */
async function sample(pid: number, base: string, minute: number): Promise<SoakSample> {
  const status = procRead(pid, 'status');
  if (status === undefined) throw new Error('vigil exited during the soak');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  let fds: number;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch (err) {
    throw new Error(`vigil exited during the soak (${(err as Error).message})`);
  }
  return {
    minute,
    rssMb: field('VmRSS') / 1024,
    fds,
    children: childCount(pid),
    threads: field('Threads'),
    heapMb: await heapMb(base).catch(() => undefined),
  };
}

/**
 * The load's keep-alive connections, a fixed few: fetch opens another whenever all are busy, so on
 * a loaded machine the appliance's descriptors rose and fell with the load's own sockets (55–88 in
 * a 30-minute run) and hid whether the appliance itself leaks any.
 */
const LOAD_CONNECTIONS = 8;
const loadAgent = new Agent({ keepAlive: true, maxSockets: LOAD_CONNECTIONS });

/** POSTs `body` as JSON with the bearer token through {@link loadAgent}; resolves with the status once the answer is read. */
function postJson(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: loadAgent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts `perSecond` distinct events per second until `stop` resolves; counts answers by status. */
function eventLoad(base: string, perSecond: number) {
  const counts = { accepted: 0, refused: 0, failed: 0, skipped: 0 };
  let unanswered = 0;
  let n = 0;
  const load = pacedLoad(perSecond, async () => {
    if (unanswered >= MAX_IN_FLIGHT) {
      counts.skipped++;
      return;
    }
    unanswered++;
    const label = `soak-${n++}`;
    try {
      const status = await postJson(
        `${base}/api/v1/events`,
        JSON.stringify({ type: 'sensor', source: 'soak', label, data: { state: 'open', n } }),
      );
      if (status >= 200 && status < 300) counts.accepted++;
      else counts.refused++;
    } catch {
      counts.failed++; // connection refused or reset: the appliance is down; the sampler says so
    } finally {
      unanswered--;
    }
  });
  return { counts, stop: load.stop };
}

function writeConfig(port: number): string {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'device: { id: soak, name: Soak }',
      `data_dir: ${join(dir, 'data')}`,
      `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: true, token: ${TOKEN} } }`,
      'mqtt: { enabled: false }',
      'faces: { enabled: true }',
      'cameras:',
      '  street:',
      `    source: { driver: file, path: ${vtestVideo()}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
      '  yard:',
      `    source: { driver: file, path: ${cameraLikeIdleVideo(dir, 5, 20)}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
      '',
    ].join('\n'),
  );
  return config;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

process.exitCode = await withBundles(ENTRY_POINTS, async (bundleDir) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const vigil = startVigil(
    ['run', '--config', writeConfig(port)],
    { NODE_OPTIONS: DAEMON_NODE_OPTIONS.join(' '), ...DAEMON_ENV },
    undefined,
    join(bundleDir, 'vigil.mjs'),
  );
  const pid = vigil.child.pid as number;
  const environment = Object.entries(DAEMON_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  let load: ReturnType<typeof eventLoad> | undefined;
  try {
    await vigil.waitForLog((line) => String(line.msg).startsWith('vigil is running'), STARTUP_TIMEOUT_MS);
    console.log(
      `soak: vigil run (bundled, ${environment} node ${DAEMON_NODE_OPTIONS.join(' ')}), faces on, two cameras at 640×360 5 fps (street = vtest.avi, people walking; yard = an idle 1280×720 H.264 stream), ${EVENTS_PER_SECOND} events/s over HTTP (${LOAD_CONNECTIONS} keep-alive connections) with a bearer token; ${MINUTES} min, sampled every ${SAMPLE_MS / 1000} s, warm-up ${fmt(warmUpMinutes(MINUTES), 1)} min`,
    );
    console.log('  min   RSS MB  heap MB  fds  children  threads  events accepted/refused/failed');
    load = eventLoad(base, EVENTS_PER_SECOND);
    const started = performance.now();
    const samples: SoakSample[] = [];
    for (let i = 0; ; i++) {
      const due = started + i * SAMPLE_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const minute = (performance.now() - started) / 60_000;
      const s = await sample(pid, base, minute);
      samples.push(s);
      if (i % (60_000 / SAMPLE_MS) === 0) {
        const { accepted, refused, failed } = load.counts;
        console.log(
          `  ${fmt(minute).padStart(3)}  ${fmt(s.rssMb).padStart(7)}  ${fmt(s.heapMb).padStart(7)}  ${String(s.fds).padStart(3)}  ${String(s.children).padStart(8)}  ${String(s.threads).padStart(7)}  ${accepted}/${refused}/${failed}`,
        );
      }
      if (minute >= MINUTES) break;
    }
    await load.stop();
    const verdict = soakVerdict(samples, MINUTES);
    const { accepted, refused, failed, skipped } = load.counts;
    const yes = (met: boolean) => (met ? 'met' : 'NOT MET');
    console.log(
      `  after the ${fmt(verdict.warmUpMinutes, 1)} min warm-up (${verdict.samples} samples, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`,
    );
    console.log(
      `    RSS slope ${fmt(verdict.rssSlopeMbPer10Min, 2)} ± ${fmt(verdict.rssSlopeErrorMbPer10Min, 2)} MB per 10 min (target ≤ ${RSS_SLOPE_LIMIT_MB_PER_10_MIN}): ${yes(verdict.rssMet)}`,
    );
    const windows = verdict.rssWindowSlopes
      .map((w) => `${fmt(w.fromMinute)}–${fmt(w.toMinute)} min ${fmt(w.mbPer10Min, 2)}`)
      .join(', ');
    console.log(
      `    RSS ${fmt(verdict.rssStartMb)} → ${fmt(verdict.rssEndMb)} MB (first and last minute of the window); slope by 10 minutes: ${windows}; the last 20 minutes ${fmt(verdict.rssSlopeLast20MinMbPer10Min, 2)}`,
    );
    console.log(
      `    V8 heap used ${fmt(verdict.heap.min)}–${fmt(verdict.heap.max)} MB, slope ${fmt(verdict.heapSlopeMbPer10Min, 2)} MB per 10 min`,
    );
    console.log(
      `    open descriptors ${verdict.fds.min}–${verdict.fds.max} (flat: within ${FD_TOLERANCE}): ${yes(verdict.fds.flat)}`,
    );
    console.log(
      `    child processes ${verdict.children.min}–${verdict.children.max} (flat): ${yes(verdict.children.flat)}`,
    );
    console.log(
      `    events: ${accepted} accepted (${fmt(accepted / (MINUTES * 60), 1)}/s), ${refused} refused, ${failed} failed, ${skipped} not sent (${MAX_IN_FLIGHT} already in flight)`,
    );
    if (!JUDGED)
      console.log(
        `  [a ${MINUTES}-minute run: too short to judge a slope; the verdicts above do not fail it]`,
      );
    const targetsMet = verdict.rssMet && verdict.fds.flat && verdict.children.flat;
    return refused + failed === 0 && (targetsMet || !JUDGED) ? 0 : 1;
  } catch (err) {
    console.error(`soak: ${(err as Error).message}\n${vigil.stderr()}`);
    return 1;
  } finally {
    await load?.stop();
    loadAgent.destroy();
    await stopVigil(vigil);
  }
});
