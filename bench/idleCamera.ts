import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../base/logger';
import { SupervisedSource } from '../hal/camera/core/supervisedSource';
import { createCameraSource } from '../hal/camera/createCameraSource';
import { copyRecorderArgs } from '../hal/camera/recording/recorderArgs';
import { applyDefaults } from '../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../runtime/config/schema/camera';
import { CameraPipeline } from '../runtime/pipeline/cameraPipeline';
import type { RegionDetector } from '../runtime/pipeline/detectorScheduler';

/** What one measured window cost, in % of one core. */
export interface IdleWindow {
  totalPercent: number;
  vigilPercent: number;
  ffmpegPercent: number;
  /** The camera's copy recorder (a second ffmpeg, `-c copy`), not part of the total. */
  recorderPercent: number;
  /** Detector calls in the window: the full-frame pass re-looking at unchanged tiles once a minute. */
  detectorCalls: number;
}

/** How to measure an idle camera. */
export interface IdleMeasurement {
  /** The video the `file` camera plays, looped in real time. */
  file: string;
  detector: RegionDetector;
  modelInputSize: number;
  logger: Logger;
  /**
   * Start-up left out: ffmpeg's start, the first frames, the background learnt and the first
   * full-frame pass (each tile looked at once). That first look recurs only as the once-a-minute
   * re-look of unchanged tiles, which a window series of 60 s or more includes.
   */
  warmUpMs: number;
  windows: number;
  windowSeconds: number;
  /**
   * Where the copy recorder the appliance runs beside each ffmpeg or file camera (`record.enabled`,
   * on by default) writes its segments: its CPU is measured over the same windows and printed
   * apart, since the figure is the detection path's.
   */
  recorderDir: string;
}

/**
 * One idle 5 fps camera (the real file source and pipeline, the detector loaded) measured over
 * `windows` back-to-back windows after the warm-up: the CPU of this whole process (every thread,
 * process.cpuUsage: microseconds) and of its ffmpeg (every thread's scheduler run time from
 * /proc/<pid>/task/<tid>/schedstat: nanoseconds, where /proc/<pid>/stat counts 10 ms ticks),
 * both over the same windows, and apart from them the copy recorder's. `whole` is the total over
 * all windows together.
 */
export async function measureIdleCamera(
  options: IdleMeasurement,
): Promise<{ windows: IdleWindow[]; whole: IdleWindow }> {
  const config = idleCameraConfig(options.file);
  let calls = 0;
  const { logger } = options;
  const source = createCameraSource({ camera: 'idle', config, logger, onStatus: () => {} });
  const pipeline = new CameraPipeline({
    camera: 'idle',
    config,
    sourceStats: () => source.stats(),
    detector: {
      detect: (image, hints) => {
        calls++;
        return options.detector.detect(image, hints);
      },
    },
    modelInputSize: options.modelInputSize,
    faces: null,
    publish: () => {},
    logger,
  });
  const loop = pipeline.run(source.frames());
  const ring = mkdtempSync(join(options.recorderDir, 'ring-'));
  const recorder = spawn(
    'ffmpeg',
    copyRecorderArgs(
      { driver: 'file', path: options.file, loop: true, realtime: true },
      { pattern: join(ring, 'part-%06d.ts'), listFile: join(ring, 'list.csv'), segmentSeconds: 10 },
    ),
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  await sleep(options.warmUpMs);
  const pids = source instanceof SupervisedSource ? source.pids() : [];
  const ffmpegCpu = () => pids.reduce((sum, pid) => sum + processRunSeconds(pid), 0);
  const sample = () => {
    const cpu = process.cpuUsage();
    return {
      at: performance.now(),
      vigil: (cpu.user + cpu.system) / 1e6,
      ffmpeg: ffmpegCpu(),
      recorder: recorder.pid === undefined ? 0 : processRunSeconds(recorder.pid),
      calls,
    };
  };
  const samples = [sample()];
  for (let i = 0; i < options.windows; i++) {
    await sleep(options.windowSeconds * 1000);
    samples.push(sample());
  }
  const recorderGone = new Promise((resolve) => recorder.once('close', resolve));
  recorder.kill();
  await recorderGone;
  await source.stop();
  await loop;
  if (source.stats().framesReceived === 0)
    throw new Error(`the idle camera got no frame from ${options.file}`);
  const between = (a: (typeof samples)[0], b: (typeof samples)[0]): IdleWindow => {
    const wall = (b.at - a.at) / 1000;
    const vigil = b.vigil - a.vigil;
    const ffmpeg = b.ffmpeg - a.ffmpeg;
    return {
      totalPercent: ((vigil + ffmpeg) / wall) * 100,
      vigilPercent: (vigil / wall) * 100,
      ffmpegPercent: (ffmpeg / wall) * 100,
      recorderPercent: ((b.recorder - a.recorder) / wall) * 100,
      detectorCalls: b.calls - a.calls,
    };
  };
  const windows = samples.slice(1).map((b, i) => between(samples[i] as (typeof samples)[0], b));
  return {
    windows,
    whole: between(samples[0] as (typeof samples)[0], samples.at(-1) as (typeof samples)[0]),
  };
}

/** This process's CPU over `seconds` with no camera running (what the figures above include anyway). */
export async function processBaselinePercent(seconds: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 100;
}

/**
 * "median (min–max)" of one figure over the windows, in % of one core: the spread shows how far
 * a single short window (what the bench printed before) can be off.
 */
export function spread(windows: readonly IdleWindow[], pick: (w: IdleWindow) => number): string {
  const values = windows.map(pick).sort((a, b) => a - b);
  const mid = values.length >> 1;
  const median = values.length % 2 ? (values[mid] ?? 0) : ((values[mid - 1] ?? 0) + (values[mid] ?? 0)) / 2;
  return `${median.toFixed(2)} (${(values[0] ?? 0).toFixed(2)}–${(values.at(-1) ?? 0).toFixed(2)})`;
}

/** A `file` camera playing `path` in a loop, in real time, at the default detect size and 5 fps. */
function idleCameraConfig(path: string): CameraConfig {
  return applyDefaults(CameraSchema, {
    source: { driver: 'file', path, loop: true, realtime: true },
    detect: { width: 640, height: 360, fps: 5 },
  }) as CameraConfig;
}

/** Seconds a process (all its threads) has run on a CPU, from schedstat; 0 once it is gone. */
function processRunSeconds(pid: number): number {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // exited: the caller sees a figure of zero, not a crash
  }
  let ns = 0;
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read: its time is in no other thread's.
    }
  }
  return ns / 1e9;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
