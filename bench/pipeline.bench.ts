/**
 * Detection pipeline figures (design.md budgets): per-frame time split into decode, motion,
 * detection, tracking and faces on a recorded video; the raw model inference time for the same
 * inputs in the same run; the overhead ratio (pipeline time excluding inference / inference,
 * budget ≤ 0.15); the CPU an idle 5 fps camera costs, ffmpeg included (target ≤ 4 % of one
 * core); and how many 5 fps cameras this box sustains with skipped_fps = 0. Smoke mode (bench/run.ts --smoke): the
 * video's first 3 s (the person walks in), 1 s per camera run, one camera at most.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../base/image/rgbImage';
import { createDetector } from '../hal/accel/createDetector';
import type { ObjectDetector } from '../hal/accel/types';
import { WorkerModelRunner } from '../hal/accel/worker/workerModelRunner';
import { SupervisedSource } from '../hal/camera/core/supervisedSource';
import { createCameraSource } from '../hal/camera/createCameraSource';
import { applyDefaults } from '../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../runtime/config/schema/camera';
import { LoggerFactory } from '../runtime/logging/logger';
import { CameraPipeline } from '../runtime/pipeline/cameraPipeline';
import { decodeFrames } from '../test/fixtures/decodeFrames';
import { makePersonVideo } from '../test/fixtures/personVideo';
import { benchTitle, SMOKE } from './benchMode';
import { benchTempDir } from './benchTempDir';
import { cameraLikeIdleVideo } from './cameraLikeVideo';

const FPS = 5;
/** Seconds each camera run is measured, after its warm-up (idle camera; cameras sustained). */
const IDLE_SECONDS = SMOKE ? 1 : 10;
const SUSTAIN_SECONDS = SMOKE ? 1 : 8;
const WARM_UP_MS = SMOKE ? 1000 : 2000;
const MAX_CAMERAS = SMOKE ? 1 : 8;
const dir = benchTempDir('vigil-bench-pipeline-');
const logger = new LoggerFactory({ level: 'warn', modules: {} }).forModule('bench');
const fmt = (n: number, digits = 1) => n.toFixed(digits);

function camera(path: string): CameraConfig {
  return applyDefaults(CameraSchema, {
    source: { driver: 'file', path, loop: true, realtime: true },
    detect: { width: 640, height: 360, fps: FPS },
  }) as CameraConfig;
}

/** A detector wrapper that times every call and keeps its inputs. */
function timed(detector: ObjectDetector) {
  const inputs: RgbImage[] = [];
  let ms = 0;
  const wrapper: ObjectDetector = Object.create(detector) as ObjectDetector;
  wrapper.detect = async (image) => {
    inputs.push(image);
    const t0 = performance.now();
    try {
      return await detector.detect(image);
    } finally {
      ms += performance.now() - t0;
    }
  };
  return { detector: wrapper, inputs, ms: () => ms };
}

/** CPU seconds of this process (all threads) and of its reaped children, from /proc/self/stat. */
function cpuSeconds(): { self: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  const tick = 100;
  const n = (i: number) => Number(fields[i - 3] ?? 0) / tick;
  return { self: n(14) + n(15), children: n(16) + n(17) };
}

async function runCameras(count: number, file: string, seconds: number, detector: ObjectDetector | null) {
  const pipelines: CameraPipeline[] = [];
  const sources = [];
  const loops: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const config = camera(file);
    const source = createCameraSource({ camera: `cam${i}`, config, logger, onStatus: () => {} });
    const pipeline = new CameraPipeline({
      camera: `cam${i}`,
      config,
      sourceStats: () => source.stats(),
      detector,
      modelInputSize: 512,
      faces: null,
      publish: () => {},
      logger,
    });
    sources.push(source);
    pipelines.push(pipeline);
    loops.push(pipeline.run(source.frames()));
  }
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS)); // warm-up: first frames, background learnt
  const before = cpuSeconds();
  const received0 = sources.map((s) => s.stats());
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const received = sources.map((s, i) => ({
    fps: (s.stats().framesReceived - (received0[i]?.framesReceived ?? 0)) / wall,
    skipped: (s.stats().framesSkipped - (received0[i]?.framesSkipped ?? 0)) / wall,
  }));
  const selfCpu = cpuSeconds().self - before.self;
  await Promise.all(sources.map((s) => s.stop()));
  await Promise.all(loops);
  const childCpu = cpuSeconds().children - before.children;
  return {
    cpuPercentOfCore: ((selfCpu + childCpu) / wall) * 100,
    selfPercent: (selfCpu / wall) * 100,
    ffmpegPercent: (childCpu / wall) * 100,
    minFps: Math.min(...received.map((r) => r.fps)),
    skippedFps: received.reduce((sum, r) => sum + r.skipped, 0),
  };
}

const video = await makePersonVideo(dir);
const idleVideo = join(dir, 'idle.mp4');
execFileSync('ffmpeg', [
  '-v',
  'error',
  '-y',
  '-loop',
  '1',
  '-framerate',
  '10',
  '-i',
  join(dir, 'background.png'),
  '-t',
  '20',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-pix_fmt',
  'yuv420p',
  idleVideo,
]);

// 1. Decode: ffmpeg to rgb24 at the detect size and rate, whole file, as fast as it goes.
const decodeStart = performance.now();
const decoded = decodeFrames(video.file, 640, 360, FPS);
const decodeMs = (performance.now() - decodeStart) / decoded.length;
// Smoke: the empty scene, then the person's first second in it (a few detector calls).
const frames = SMOKE ? decoded.slice(0, (video.walk.from + 1) * FPS) : decoded;

// 2. The pipeline over every frame, detector in its worker thread.
const detector = createDetector('default', { type: 'wasm', model: 'centernet' }, { logger });
await detector.load();
const probe = timed(detector);
const pipeline = new CameraPipeline({
  camera: 'bench',
  config: camera(video.file),
  sourceStats: () => ({ framesReceived: 0, framesSkipped: 0, reconnects: 0 }),
  detector: probe.detector,
  modelInputSize: 512,
  faces: null,
  publish: () => {},
  logger,
});
const pipelineStart = performance.now();
for (const frame of frames) await pipeline.process(frame);
const pipelineMs = performance.now() - pipelineStart;
const stages = pipeline.timer.totals();
const detectCalls = probe.inputs.length;
const detectMs = probe.ms();
// Frames are processed one by one, however slow: no call means motion gating or the video broke.
if (detectCalls === 0) throw new Error(`the detector was never called in ${frames.length} frames`);

// 3. The raw model on the same inputs, in a worker thread like the detector's: resize to 512 × 512 and run.
const runner = new WorkerModelRunner({
  engine: { engine: 'tfjs', backend: 'wasm' },
  logger,
  label: 'raw model',
});
const tensors = await Promise.all(
  probe.inputs.map(async (image) => {
    const pixels = await sharp(Buffer.from(image.data), {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .resize(512, 512, { fit: 'fill' })
      .raw()
      .toBuffer();
    return { data: Float32Array.from(pixels), shape: [1, 512, 512, 3] };
  }),
);
await runner.load('centernet'); // loads and warms up, under its own (longer) time limit
const rawStart = performance.now();
for (const tensor of tensors) await runner.run('centernet', tensor);
const rawMs = performance.now() - rawStart;
await runner.close();

const perFrame = (ms: number) => fmt(ms / frames.length, 2);
console.log(
  benchTitle(
    `pipeline bench: ${frames.length} frames of 640×360 at ${FPS} fps (a person walks through ${video.walk.to - video.walk.from} of ${video.seconds} s), detector wasm/centernet`,
  ),
);
console.log(
  `  per frame (ms): decode ${fmt(decodeMs, 2)} | motion ${perFrame(stages.motion.ms)} | detection ${perFrame(stages.detection.ms)} | tracking ${perFrame(stages.tracking.ms)} | faces ${perFrame(stages.faces.ms)}`,
);
console.log(
  `  detector calls: ${detectCalls} (${fmt(detectMs / Math.max(1, detectCalls))} ms each, worker incl. pre/post-processing); raw model on the same inputs: ${fmt(rawMs / Math.max(1, tensors.length))} ms each`,
);
const beyond = pipelineMs - detectMs;
console.log(
  `  overhead ratio: pipeline time beyond detector calls / detector time = ${fmt(beyond / detectMs, 3)} (budget ≤ 0.15); beyond the raw model = ${fmt((pipelineMs - rawMs) / rawMs, 3)}`,
);

// 4. An idle scene (no motion) through the real file camera source at 5 fps, from a stream like a
// camera's (cameraLikeVideo.ts: H.264 1280×720 with sensor noise): sent at 5 fps (the camera's
// stream set to the detect rate, as Frigate advises) at 1 Mbit/s (a substream) and 2 Mbit/s, and
// at 15 fps (a camera left at its default) at 2 Mbit/s. Decoding costs about in proportion to the
// bit rate. ffmpeg's CPU is read from /proc/<pid>/stat over the same window as vigil's.
const IDLE_STREAMS = SMOKE
  ? [{ fps: 5, mbits: 1 }]
  : [
      { fps: 5, mbits: 1 },
      { fps: 5, mbits: 2 },
      { fps: 15, mbits: 2 },
    ];
for (const stream of IDLE_STREAMS) {
  const idle = await measureIdleCamera(
    cameraLikeIdleVideo(dir, stream.fps, SMOKE ? 4 : 20, stream.mbits),
    IDLE_SECONDS,
  );
  console.log(
    `  idle 5 fps camera (1280×720 H.264, ${stream.fps} fps, ${stream.mbits} Mbit/s): ${fmt(idle.totalPercent, 2)} % of one core (vigil ${fmt(idle.vigilPercent, 2)} %, ffmpeg decode ${fmt(idle.ffmpegPercent, 2)} %) (target ≤ 4 %)`,
  );
}

// 5. Cameras sustained with skipped_fps = 0: idle scenes, then scenes with a person walking.
for (const [scene, file] of [
  ['idle', idleVideo],
  ['busy', video.file],
] as const) {
  let sustained = 0;
  for (let count = 1; count <= MAX_CAMERAS; count *= 2) {
    const run = await runCameras(count, file, SUSTAIN_SECONDS, detector);
    const ok = run.skippedFps === 0 && run.minFps >= FPS * 0.9;
    console.log(
      `    ${scene} × ${count}: min camera fps ${fmt(run.minFps)}, skipped ${fmt(run.skippedFps)}/s, cpu ${fmt(run.cpuPercentOfCore)} % of one core ${ok ? '' : '(not sustained)'}`,
    );
    if (!ok) break;
    sustained = count;
  }
  console.log(
    `  ${scene} 5 fps cameras sustained with skipped_fps = 0: ${sustained}${sustained === MAX_CAMERAS ? ' or more' : ''}`,
  );
}
await detector.close();

/** CPU seconds a running process has used, from /proc/<pid>/stat (0 once it is gone). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // exited: the caller sees a figure of zero, not a crash
  }
}

/**
 * One idle camera (file source, pipeline with the detector loaded) measured over `seconds` after
 * its warm-up: vigil's CPU (all threads) and its ffmpeg's, both over the same window.
 */
async function measureIdleCamera(file: string, seconds: number) {
  const config = camera(file);
  const source = createCameraSource({ camera: 'idle', config, logger, onStatus: () => {} });
  const pipeline = new CameraPipeline({
    camera: 'idle',
    config,
    sourceStats: () => source.stats(),
    detector,
    modelInputSize: 512,
    faces: null,
    publish: () => {},
    logger,
  });
  const loop = pipeline.run(source.frames());
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const pids = source instanceof SupervisedSource ? source.pids() : [];
  const ffmpegCpu = () => pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const ffmpeg0 = ffmpegCpu();
  const self0 = cpuSeconds().self;
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const vigil = cpuSeconds().self - self0;
  const ffmpeg = ffmpegCpu() - ffmpeg0;
  await source.stop();
  await loop;
  return {
    totalPercent: ((vigil + ffmpeg) / wall) * 100,
    vigilPercent: (vigil / wall) * 100,
    ffmpegPercent: (ffmpeg / wall) * 100,
  };
}
