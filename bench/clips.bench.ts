/**
 * What the recording ring costs on the CPU (the clips issue's figure): one camera recorded for
 * ~30 s of wall time by each path, counting ffmpeg's CPU time only (user + system, from /proc),
 * since ffmpeg is what runs all day per camera.
 * - copy: a `file` camera (640x360, 10 fps H.264, keyframe every second) read in real time and
 *   stream-copied into segments — what every RTSP camera gets;
 * - encode: 640x360 rgb24 frames at 10 fps pushed into the recorder, encoded once with the
 *   encoder `auto` picks here (libx264 ultrafast without the Pi's hardware encoder) — what
 *   libcamera and sim cameras get.
 * The copy path is the baseline the encode path is compared with. Prints figures only; fails if
 * a path recorded nothing. Run: `npm run bench:clips` (BENCH_CLIPS_SECONDS=30 sets the recording
 * time per path; smoke mode, bench/run.ts --smoke: 3 s).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import {
  createSegmentRecorder,
  type Segment,
  type SegmentRecorder,
  type SegmentRecorderStats,
} from '../hal/camera/recording/index';
import { applyDefaults } from '../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../runtime/config/schema/index';
import { benchSize, benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';

const SECONDS = benchSize(process.env.BENCH_CLIPS_SECONDS, 30, 3);
const WIDTH = 640;
const HEIGHT = 360;
const FPS = 10;

interface PathResult {
  path: string;
  stats: SegmentRecorderStats;
  recordedSeconds: number;
  wallSeconds: number;
}

const dir = benchTempDir('vigil-bench-clips-');
const logger = pino({ level: 'warn' });

function ffmpeg(args: string[], maxBuffer?: number): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { maxBuffer });
}

function cameraConfig(source: Record<string, unknown>): CameraConfig {
  return applyDefaults(CameraSchema, {
    source,
    detect: { width: WIDTH, height: HEIGHT, fps: FPS },
    record: { segment_seconds: 2 },
  }) as CameraConfig;
}

/** Records with `recorder` for SECONDS while `feed` runs (encode mode pushes frames in it). */
async function record(
  path: string,
  make: (onSegment: (s: Segment) => void) => SegmentRecorder,
  feed: (recorder: SegmentRecorder, until: number) => Promise<void> = (_, until) => sleep(until - Date.now()),
): Promise<PathResult> {
  const segments: Segment[] = [];
  const recorder = make((segment) => segments.push(segment));
  const startedAt = Date.now();
  recorder.start();
  await feed(recorder, startedAt + SECONDS * 1000);
  await recorder.stop();
  if (segments.length === 0) throw new Error(`${path}: no segment recorded in ${SECONDS} s`);
  const recordedMs = segments.reduce((sum, s) => sum + (s.endedAt - s.startedAt), 0);
  return {
    path,
    stats: recorder.stats(),
    recordedSeconds: recordedMs / 1000,
    wallSeconds: (Date.now() - startedAt) / 1000,
  };
}

function recorderFor(name: string, config: CameraConfig, onSegment: (s: Segment) => void): SegmentRecorder {
  return createSegmentRecorder({
    camera: name,
    config,
    dir: join(dir, 'ring', name),
    logger,
    onSegment,
    onGap: (gap) => console.error(`  gap on ${name}: ${gap.reason}`),
  });
}

/** Pushes `frames` round-robin at FPS on a fixed schedule (no drift) until `until`. */
async function pushFrames(recorder: SegmentRecorder, frames: Buffer[], until: number): Promise<void> {
  const start = Date.now();
  for (let seq = 0; ; seq++) {
    const due = start + (seq * 1000) / FPS;
    if (due >= until) return;
    await sleep(due - Date.now());
    const data = frames[seq % frames.length] as Buffer;
    recorder.pushFrame({ data, width: WIDTH, height: HEIGHT, format: 'rgb24', timestamp: Date.now(), seq });
  }
}

const video = join(dir, 'camera.mp4');
ffmpeg([
  // The camera loops it; a short one is quicker to make.
  ...['-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}`, '-t', SMOKE ? '4' : '20'],
  ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
  ...['-g', String(FPS), '-keyint_min', String(FPS), '-sc_threshold', '0', video],
]);
const frameBytes = WIDTH * HEIGHT * 3;
const frameCount = 5 * FPS;
const raw = ffmpeg(
  [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}`, '-frames:v', String(frameCount)],
    ...['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
  ],
  frameBytes * frameCount + 1024,
);
const frames = Array.from({ length: frameCount }, (_, i) =>
  raw.subarray(i * frameBytes, (i + 1) * frameBytes),
);

console.log(
  benchTitle(
    `recording ring CPU: one ${WIDTH}x${HEIGHT} ${FPS} fps camera, ~${SECONDS} s per path, ffmpeg CPU only`,
  ),
);
const copy = await record('copy (file source, stream copy)', (onSegment) =>
  recorderFor('copy', cameraConfig({ driver: 'file', path: video, loop: true, realtime: true }), onSegment),
);
const encode = await record(
  'encode (pushed rgb24 frames)',
  (onSegment) => recorderFor('encode', cameraConfig({ driver: 'sim' }), onSegment),
  (recorder, until) => pushFrames(recorder, frames, until),
);

for (const result of [copy, encode]) {
  const { stats } = result;
  const perMinute = (stats.cpuSeconds / result.recordedSeconds) * 60;
  console.log(`\n${result.path} [encoder ${stats.encoder}]`);
  console.log(
    `  recorded            ${result.recordedSeconds.toFixed(1)} s in ${result.wallSeconds.toFixed(1)} s wall`,
  );
  console.log(
    `  segments            ${stats.segments} (${(stats.bytes / 1024).toFixed(0)} KiB, ${stats.restarts} restarts)`,
  );
  console.log(`  ffmpeg CPU          ${stats.cpuSeconds.toFixed(2)} s`);
  console.log(
    `  CPU seconds per minute of recording per camera: ${perMinute.toFixed(2)} (${((perMinute / 60) * 100).toFixed(1)} % of one core)`,
  );
  if (stats.framesDropped > 0) console.log(`  frames dropped      ${stats.framesDropped}`);
}
const ratio =
  encode.stats.cpuSeconds / encode.recordedSeconds / (copy.stats.cpuSeconds / copy.recordedSeconds);
console.log(`\nencode / copy CPU per recorded second: ${ratio.toFixed(1)}x`);
