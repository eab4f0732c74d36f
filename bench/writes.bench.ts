/**
 * The write budget (issue 23 item 5): bytes the appliance writes per hour onto its card, in three
 * scenarios — an idle camera (a camera-like 720p H.264 stream, nothing moving); a busy camera at
 * 5 fps with people in view (Debian's vtest.avi, as the soak and bench:memory use it), faces on
 * and the alarm armed; 10 events/s over HTTP with no camera — each run by the real `vigil run`
 * (bundled as build.ts bundles it, with the daemon's Node options and environment) on a data
 * directory on a disk filesystem (/var/tmp: `/proc/<pid>/io` counts nothing written to a tmpfs),
 * the recording ring on a tmpfs as the image has it (storage.ring_dir).
 *
 * Per scenario, after a warm-up: window 1 measures `write_bytes` of /proc/<pid>/io (vigil's own
 * process, every thread; and apart from it its ffmpeg children's), extrapolated to an hour.
 * Window 2, as long, attributes them: `strace -f -y` on vigil records every write and fsync with
 * the path of its descriptor, summed by class (SQLite WAL, checkpoints into the database file,
 * snapshots, thumbnails, clips, logs to stdout, other files). strace slows vigil down, so window
 * 2 gives the shares and window 1 the total. strace counts bytes handed to write(); write_bytes
 * counts pages dirtied (a 4 KiB page rewritten before it reached the disk counts once, a 24-byte
 * WAL frame header spilling onto a new page counts a page), so the two differ somewhat.
 *
 * `npm run bench:writes [-- --seconds N] [-- --scenario idle|busy|events] [-- --baseline COMMIT]`;
 * default window 60 s; `--baseline` measures that commit's build too, each scenario side by side.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DAEMON_ENV, DAEMON_NODE_OPTIONS, ENTRY_POINTS } from '../build';
import { vtestVideo } from '../eval/footage';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';
import { stopVigil } from '../test/runtime/events/e2e/e2eKit';
import { benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { withBundles } from './bundles';
import { cameraLikeIdleVideo } from './cameraLikeVideo';
import { commitBundle } from './ingestHttp';
import { pacedLoad } from './pacedLoad';
import { LOGS, NOT_DISK, parseStrace, type WriterTotals } from './writeShares';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: SMOKE ? '2' : '60' },
    scenario: { type: 'string', multiple: true },
    baseline: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
if (!Number.isFinite(SECONDS) || SECONDS <= 0 || SECONDS > 3600)
  throw new Error(`--seconds: a number of seconds, 1 to 3600, not ${args.seconds}`);
/** Start-up writes (migrations, the first snapshots of people already in view) left out. */
const WARM_UP_MS = SMOKE ? 1_000 : 20_000;
const STARTUP_TIMEOUT_MS = 180_000;
const TOKEN = 'writes-token';
const EVENTS_PER_SECOND = 10;
const MIB = 2 ** 20;

/** Directories made outside TMPDIR, removed when the bench exits (one listener for them all). */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Where the data goes: a disk filesystem, so /proc/<pid>/io sees the writes. */
function diskDir(): string {
  const dir = mkdtempSync('/var/tmp/vigil-bench-writes-');
  made.push(dir);
  const type = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  if (type === 'tmpfs' || type === 'ramfs')
    throw new Error(
      `/var/tmp is a ${type} here: write_bytes would read 0; run on a machine whose /var/tmp is on a disk`,
    );
  return dir;
}

/** The recording ring on a tmpfs (as the image mounts /run/vigil/ring), else beside the data. */
function ringDir(fallback: string): string {
  try {
    const dir = mkdtempSync('/dev/shm/vigil-bench-ring-');
    made.push(dir);
    return dir;
  } catch {
    return join(fallback, 'ring');
  }
}

interface Scenario {
  name: 'idle' | 'busy' | 'events';
  what: string;
  cameras: string[];
  eventsPerSecond: number;
}

const scratch = benchTempDir('vigil-bench-writes-videos-');
const SCENARIOS: Scenario[] = [
  {
    name: 'idle',
    what: 'idle camera (a 1280×720 H.264 stream, nothing moving), detected at 640×360 5 fps',
    cameras: [
      '  yard:',
      `    source: { driver: file, path: ${cameraLikeIdleVideo(scratch, 5, 20)}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
    ],
    eventsPerSecond: 0,
  },
  {
    name: 'busy',
    what: 'busy camera (vtest.avi, people walking), detected at 640×360 5 fps, faces on, alarm away',
    cameras: [
      '  street:',
      `    source: { driver: file, path: ${vtestVideo()}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
    ],
    eventsPerSecond: 0,
  },
  {
    name: 'events',
    what: `${EVENTS_PER_SECOND} events/s over HTTP (POST /api/v1/events, bearer token), no camera`,
    cameras: [],
    eventsPerSecond: EVENTS_PER_SECOND,
  },
];

function writeConfig(dir: string, port: number, scenario: Scenario): string {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'device: { id: writes, name: Writes }',
      `data_dir: ${join(dir, 'data')}`,
      `storage: { ring_dir: ${ringDir(dir)} }`,
      `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: true, token: ${TOKEN} } }`,
      'mqtt: { enabled: false }',
      'faces: { enabled: true }',
      'alarm: { mode: away }',
      scenario.cameras.length > 0 ? 'cameras:' : 'cameras: {}',
      ...scenario.cameras,
      '',
    ].join('\n'),
  );
  return config;
}

/** write_bytes of a process from /proc/<pid>/io, or 0 once it is gone. */
function writeBytes(pid: number): number {
  try {
    return Number(/^write_bytes: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // exited
  }
}

/** The pids of `pid`'s child processes. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone since the listing.
    }
  }
  return children;
}

/** Posts `perSecond` distinct events per second until stopped; counts the answers. */
function eventLoad(base: string, perSecond: number) {
  const counts = { accepted: 0, refused: 0 };
  let n = 0;
  const load = pacedLoad(perSecond, async () => {
    try {
      const response = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'sensor',
          source: 'writes',
          label: `door-${n}`,
          data: { state: 'open', n: n++ },
        }),
      });
      await response.arrayBuffer();
      if (response.ok) counts.accepted++;
      else counts.refused++;
    } catch {
      counts.refused++;
    }
  });
  return { counts, stop: load.stop };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ScenarioFigures {
  vigilBytesPerHour: number;
  childrenBytesPerHour: number;
  shares: ReturnType<typeof parseStrace>;
  tracedSeconds: number;
  events: { accepted: number; refused: number };
  /** Events stored during window 1 (camera events included): the busy camera's count varies with the load. */
  stored: number;
}

/** Events stored so far (`vigil_events_processed_total`, every type). */
async function storedEvents(base: string): Promise<number> {
  const response = await fetch(`${base}/api/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const snapshot = (await response.json()) as {
    counters: Record<string, Array<{ value: number }> | undefined>;
  };
  return (snapshot.counters.vigil_events_processed_total ?? []).reduce((sum, c) => sum + c.value, 0);
}

async function measure(bundleDir: string, scenario: Scenario): Promise<ScenarioFigures> {
  const dir = diskDir();
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const vigil = startVigil(
    ['run', '--config', writeConfig(dir, port, scenario)],
    { NODE_OPTIONS: DAEMON_NODE_OPTIONS.join(' '), ...DAEMON_ENV },
    undefined,
    join(bundleDir, 'vigil.mjs'),
  );
  const pid = vigil.child.pid as number;
  let events = eventLoad(base, 0);
  try {
    await vigil.waitForLog((line) => String(line.msg).startsWith('vigil is running'), STARTUP_TIMEOUT_MS);
    events = eventLoad(base, scenario.eventsPerSecond);
    await sleep(WARM_UP_MS);
    // Window 1: the total, untraced.
    const children0 = new Map(childrenOf(pid).map((child) => [child, writeBytes(child)]));
    const stored0 = await storedEvents(base);
    const vigil0 = writeBytes(pid);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const seconds = (performance.now() - t0) / 1000;
    const vigilBytes = writeBytes(pid) - vigil0;
    const stored = (await storedEvents(base)) - stored0;
    // Children that lived through the window (a child that exited took its count with it).
    let childBytes = 0;
    for (const [child, before] of children0) childBytes += Math.max(0, writeBytes(child) - before);
    // Window 2: the shares, traced.
    const traceFile = join(dir, 'strace.txt');
    const strace = spawn(
      'strace',
      [
        '-f',
        '-y',
        '-qq',
        '-s',
        '0',
        '-e',
        'trace=write,pwrite64,writev,pwritev,fsync,fdatasync,execve',
        '-o',
        traceFile,
        '-p',
        String(pid),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let straceErr = '';
    strace.stderr.on('data', (chunk: Buffer) => {
      straceErr += chunk.toString();
    });
    const straceExit = new Promise<number | null>((resolve) => strace.once('exit', (code) => resolve(code)));
    const t1 = performance.now();
    await sleep(SECONDS * 1000);
    const tracedSeconds = (performance.now() - t1) / 1000;
    strace.kill('SIGINT'); // detaches from vigil, which runs on
    const code = await straceExit;
    if (code !== 0 && code !== null) throw new Error(`strace exited with ${code}: ${straceErr.trim()}`);
    await events.stop();
    return {
      vigilBytesPerHour: (vigilBytes / seconds) * 3600,
      childrenBytesPerHour: (childBytes / seconds) * 3600,
      shares: parseStrace(readFileSync(traceFile, 'utf8')),
      tracedSeconds,
      events: events.counts,
      stored,
    };
  } finally {
    await events.stop();
    await stopVigil(vigil);
  }
}

const mibPerHour = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB/h`;

function print(scenario: Scenario, build: string, figures: ScenarioFigures): void {
  console.log(`  ${scenario.name} (${build}): ${scenario.what}`);
  const perEvent =
    figures.stored > 0
      ? `, ${((figures.vigilBytesPerHour * SECONDS) / 3600 / figures.stored / 1024).toFixed(1)} KiB per event stored`
      : '';
  console.log(
    `    vigil wrote ${mibPerHour(figures.vigilBytesPerHour)} (write_bytes, ${SECONDS} s window, ${figures.stored} events stored in it${perEvent}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
  );
  console.log(
    `    its ffmpeg children (camera decode, recorder into the tmpfs ring; not counted above): ${mibPerHour(figures.childrenBytesPerHour)}`,
  );
  if (scenario.eventsPerSecond > 0)
    console.log(`    events: ${figures.events.accepted} accepted, ${figures.events.refused} refused`);
  const perHour = (n: number) => (n / figures.tracedSeconds) * 3600;
  const rows = [...figures.shares.vigil].filter(([writer]) => writer !== NOT_DISK && writer !== LOGS);
  const disk = rows.reduce((sum, [, t]) => sum + t.bytes, 0);
  console.log(
    `    shares (strace, ${figures.tracedSeconds.toFixed(0)} s traced; bytes handed to write() per hour, fsyncs per hour):`,
  );
  const line = (writer: string, t: WriterTotals, share: string) =>
    console.log(
      `      ${writer.padEnd(36)} ${mibPerHour(perHour(t.bytes)).padStart(14)} ${share.padStart(6)}  ${Math.round(perHour(t.calls)).toLocaleString().padStart(9)} writes/h ${Math.round(perHour(t.fsyncs)).toLocaleString().padStart(8)} fsyncs/h`,
    );
  for (const [writer, t] of rows.sort((a, b) => b[1].bytes - a[1].bytes))
    line(writer, t, disk > 0 ? `${((t.bytes / disk) * 100).toFixed(0)} %` : '–');
  const logs = figures.shares.vigil.get(LOGS);
  if (logs) line(`${LOGS}, not in write_bytes`, logs, '');
  // Their stdout and stderr are pipes to vigil, not the journal: only their files are shown.
  for (const [writer, t] of figures.shares.children)
    if (writer !== LOGS && writer !== NOT_DISK) line(`ffmpeg started meanwhile: ${writer}`, t, '');
}

// A smoke run leaves the idle camera out: each scenario starts an appliance, and the other two
// exercise everything the bench does (a camera, the HTTP load, strace).
const wanted = args.scenario ?? (SMOKE ? ['busy', 'events'] : undefined);
const chosen = SCENARIOS.filter((s) => !wanted || wanted.includes(s.name));
if (chosen.length === 0) throw new Error(`--scenario: one of ${SCENARIOS.map((s) => s.name).join(', ')}`);
// The build to compare with, measured in the same run (the load changes between runs, not within one).
const baselineDir = args.baseline ? await commitBundle(args.baseline) : undefined;
process.exitCode = await withBundles(ENTRY_POINTS, async (bundleDir) => {
  console.log(
    benchTitle(
      `write budget: vigil run (bundled, daemon options), data_dir on a disk filesystem (/var/tmp), ring on a tmpfs; ${(WARM_UP_MS / 1000).toFixed(0)} s warm-up, then ${SECONDS} s measured and ${SECONDS} s traced per scenario; per hour = extrapolated`,
    ),
  );
  let failed = 0;
  for (const scenario of chosen) {
    const builds: Array<[string, string]> = [['this build', bundleDir]];
    if (baselineDir) builds.unshift([`baseline ${args.baseline}`, baselineDir]);
    for (const [build, dir] of builds) {
      const figures = await measure(dir, scenario);
      print(scenario, build, figures);
      if (figures.events.refused > 0) failed++;
    }
  }
  return failed === 0 ? 0 : 1;
});
