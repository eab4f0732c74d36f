/**
 * Memory of the appliance as it ships (issue 20: ≤ 350 MB): the real `vigil run` (bundled as
 * build.ts bundles it, started with the daemon's Node options) with two cameras and faces on —
 * one busy (people walking: Debian's vtest.avi pedestrian clip when installed, else a generated
 * clip of a person walking through), one idle (a camera-like 720p stream) — sampled once a second
 * after a warm-up. Figures: the RSS of the vigil process, which includes its worker threads (the
 * detector, faces, event log: threads share the process), peak and median; then the RSS of its
 * child processes (ffmpeg), counted separately. Twice: with the default detector (one instance
 * at an intra-op thread per core detection may use, hal/accel/detectorInstances.ts) and with
 * 2 single-threaded instances (`intra_op_threads: 1`, the default before, one per core here), then
 * both against the 350 MB target. One instance is also what a 1 GB Pi 3 or a 512 MB Zero 2 W
 * gets whatever its threads. Face recognition loads at the first person crop: the busy camera has
 * people in view from its first frames, so it runs (and says so) well within the warm-up. Run:
 * `npm run bench:memory` (BENCH_MEMORY_SECONDS; BENCH_MEMORY_INSTANCES = `default` or a number N,
 * N single-threaded instances, runs only that one).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_ENV, DAEMON_NODE_OPTIONS, ENTRY_POINTS } from '../build';
import { vtestVideo } from '../eval/footage';
import { defaultInstances, onnxIntraOpThreads } from '../hal/accel/detectorInstances';
import { freePort } from '../test/helpers/freePort';
import { startVigil } from '../test/helpers/vigilProcess';
import { stopVigil } from '../test/runtime/events/e2e/e2eKit';
import { benchSize, benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { withBundles } from './bundles';
import { cameraLikeIdleVideo } from './cameraLikeVideo';
import { defaultDetectorConfig } from './defaultDetector';

const SECONDS = benchSize(process.env.BENCH_MEMORY_SECONDS, 60, 3);
/** Models load, the detector and faces warm up and the busy camera's people get tracked first. */
const WARM_UP_MS = SMOKE ? 2_000 : 20_000;
const TARGET_MB = 350;
const STARTUP_TIMEOUT_MS = 120_000;
/** The default detector: a config that sets none gets it (VIGIL_DETECTORS_… variables apply). */
const DEFAULT_DETECTOR = defaultDetectorConfig();
/** How the default runs here: its instances, and its intra-op threads for onnx. */
const DEFAULT_LABEL = `default (${defaultInstances(DEFAULT_DETECTOR)} here${(() => {
  const threads = onnxIntraOpThreads(DEFAULT_DETECTOR);
  return threads === undefined ? '' : ` at ${threads} intra-op thread${threads === 1 ? '' : 's'}`;
})()})`;
const dir = benchTempDir('vigil-bench-memory-');

/** Resident set size of a process in MB (VmRSS: every thread of it), or undefined once it is gone. */
function rssMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined; // it exited between the listing and the read
  }
}

/** The processes whose parent is `pid`, with their command names. */
function childrenOf(pid: number): Array<{ pid: number; name: string }> {
  const children: Array<{ pid: number; name: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid)
        children.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // Gone since the listing: not a child any more.
    }
  }
  return children;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

// Debian's opencv-doc pedestrian clip (768×576, 10 fps, 80 s), fetched and cached as the eval does.
const busy = { file: vtestVideo(), what: 'vtest.avi (768×576, 10 fps, people walking)' };
const idle = cameraLikeIdleVideo(dir, 5, SMOKE ? 4 : 20);
/** The single-threaded detector instances of each run: undefined = the default on this machine. */
const RUNS: Array<number | undefined> = (() => {
  const only = process.env.BENCH_MEMORY_INSTANCES;
  if (only === undefined || only === '') return [undefined, 2];
  if (only === 'default') return [undefined];
  const pinned = Number(only);
  if (!Number.isInteger(pinned) || pinned < 1)
    throw new Error(
      `BENCH_MEMORY_INSTANCES: \`default\` or a number of instances, not ${JSON.stringify(only)}`,
    );
  return [pinned];
})();

/** One run's figures, for the summary against the target. */
interface RunFigures {
  what: string;
  peakMb: number;
  medianMb: number;
}

const results: RunFigures[] = [];
await withBundles(ENTRY_POINTS, async (bundleDir) => {
  for (const instances of RUNS) results.push(await measure(bundleDir, instances));
});
console.log(`  against the target of ${TARGET_MB} MB (the vigil process, ffmpeg apart):`);
for (const { what, peakMb, medianMb } of results) {
  const verdict = (mb: number) => (mb <= TARGET_MB ? 'met' : `${(mb - TARGET_MB).toFixed(0)} MB over`);
  console.log(
    `    ${what}: peak ${peakMb.toFixed(0)} MB (${verdict(peakMb)}), median ${medianMb.toFixed(0)} MB (${verdict(medianMb)})`,
  );
}

/** Runs the appliance with `instances` single-threaded detector instances (undefined: the default) and prints its RSS. */
async function measure(bundleDir: string, instances: number | undefined): Promise<RunFigures> {
  const port = await freePort();
  const config = join(dir, `config-${instances ?? 'default'}.yaml`);
  writeFileSync(
    config,
    [
      'device: { id: bench-memory, name: Memory bench }',
      `data_dir: ${join(dir, `data-${instances ?? 'default'}`)}`,
      `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
      'faces: { enabled: true }',
      ...(instances === undefined
        ? []
        : [
            // The default detector, single-threaded, its instances pinned (JSON is YAML's flow style).
            `detectors: { default: ${JSON.stringify({ ...DEFAULT_DETECTOR, intra_op_threads: 1, instances })} }`,
          ]),
      'cameras:',
      '  street:',
      `    source: { driver: file, path: ${busy.file}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
      '  yard:',
      `    source: { driver: file, path: ${idle}, loop: true, realtime: true }`,
      '    detect: { width: 640, height: 360, fps: 5 }',
      '',
    ].join('\n'),
  );
  // The daemon's Node options and environment (build.ts), as systemd/vigil.service runs it.
  const vigil = startVigil(
    ['run', '--config', config],
    { NODE_OPTIONS: DAEMON_NODE_OPTIONS.join(' '), ...DAEMON_ENV },
    undefined,
    join(bundleDir, 'vigil.mjs'),
  );
  const pid = vigil.child.pid as number;
  try {
    // Loading the models takes a few seconds, many more on a loaded machine: allow for it.
    await vigil.waitForLog((line) => String(line.msg).startsWith('vigil is running'), STARTUP_TIMEOUT_MS);
    await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
    const main: number[] = [];
    const children: number[] = [];
    let childNames = new Set<string>();
    for (let second = 0; second < SECONDS; second++) {
      const rss = rssMb(pid);
      if (rss === undefined) throw new Error(`vigil exited during the bench: ${vigil.stderr()}`);
      main.push(rss);
      const kids = childrenOf(pid);
      childNames = new Set([...childNames, ...kids.map((kid) => kid.name)]);
      children.push(kids.reduce((sum, kid) => sum + (rssMb(kid.pid) ?? 0), 0));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    const stats = (await (await fetch(`http://127.0.0.1:${port}/api/v1/stats`)).json()) as {
      cameras: Record<string, { camera_fps: number; detection_fps: number; skipped_fps: number }>;
    };
    const health = JSON.stringify(await (await fetch(`http://127.0.0.1:${port}/api/v1/health`)).json());
    const recognitionMs = /"recognition_speed":([\d.]+)/.exec(health)?.[1];
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const fmt = (n: number) => n.toFixed(0);
    const environment = Object.entries(DAEMON_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    console.log(
      benchTitle(
        `memory: vigil run (bundled, ${environment} node ${DAEMON_NODE_OPTIONS.join(' ')}), detector instances: ${instances === undefined ? DEFAULT_LABEL : `${instances} at 1 intra-op thread`}, faces on, two cameras at 640×360 5 fps: street = ${busy.what}, yard = an idle 1280×720 H.264 stream; ${SECONDS} samples, 1 s apart, after ${WARM_UP_MS / 1000} s of warm-up`,
      ),
    );
    for (const [name, camera] of Object.entries(stats.cameras)) {
      console.log(
        `  ${name}: camera ${camera.camera_fps.toFixed(1)} fps, detector calls ${camera.detection_fps.toFixed(1)}/s, skipped ${camera.skipped_fps.toFixed(1)} fps`,
      );
    }
    console.log(
      `  face recognition: ${recognitionMs === undefined ? 'has not run (no face model loaded)' : `ran, ${Number(recognitionMs).toFixed(0)} ms per person crop`}`,
    );
    console.log(`  machine load average (1, 5, 15 min) at the end: ${load}`);
    console.log(
      `  vigil process RSS incl. its worker threads: peak ${fmt(Math.max(...main))} MB, median ${fmt(quantile(main, 0.5))} MB (target ≤ ${TARGET_MB} MB)`,
    );
    console.log(
      `  at the end: anonymous ${fmt(kb('RssAnon') / 1024)} MB, file-backed (code, libraries) ${fmt(kb('RssFile') / 1024)} MB, ${/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? '?'} threads`,
    );
    console.log(
      `  child processes (${[...childNames].join(', ') || 'none'}), counted separately (their RSS summed, shared libraries counted in each): peak ${fmt(Math.max(...children))} MB, median ${fmt(quantile(children, 0.5))} MB`,
    );
    const what = `detector instances ${instances === undefined ? DEFAULT_LABEL : `${instances} at 1 intra-op thread`}`;
    return { what, peakMb: Math.max(...main), medianMb: quantile(main, 0.5) };
  } finally {
    await stopVigil(vigil);
  }
}
