import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type {
  RecordingFailure,
  RecordingGap,
  Segment,
  SegmentRecorder,
} from '../../../../hal/camera/recording/index';
import { createSegmentRecorder } from '../../../../hal/camera/recording/index';
import type { CameraSourceTiming } from '../../../../hal/camera/timing';
import type { Frame } from '../../../../hal/camera/types';
import { applyDefaults } from '../../../../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../../../../runtime/config/schema/index';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { descendantProcesses } from '../fixtures/childProcesses';

/** The camera name every recording test uses. */
export const CAMERA = 'front';

/** Short enough that restarts and pauses show up within a test. */
export const TEST_RECORDER_TIMING: Partial<CameraSourceTiming> = {
  backoffInitialMs: 200,
  backoffMaxMs: 1_000,
  stallTimeoutMs: 1_500,
  stopGraceMs: 2_000,
};

/**
 * A 640x360, 10 fps H.264 *High* profile video with a keyframe every second, like an IP camera's
 * stream. High profile (with B-frames) on purpose: a re-encode by the recorder (ultrafast gives
 * Constrained Baseline) would change the codec parameters the tests compare.
 */
export function makeCameraVideo(dir: string, seconds = 24): string {
  const path = join(dir, 'camera.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=10`, '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ...['-g', '10', '-keyint_min', '10', '-sc_threshold', '0'],
    path,
  ]);
  return path;
}

/** A camera config with schema defaults filled in. */
export function recordConfig(
  source: { driver: string } & Record<string, unknown>,
  record: Partial<CameraConfig['record']> = {},
  detect: Partial<CameraConfig['detect']> = {},
): CameraConfig {
  return applyDefaults(CameraSchema, { source, record, detect }) as CameraConfig;
}

/** A recorder under test and everything it reported. */
export interface RecorderHarness {
  recorder: SegmentRecorder;
  segments: Segment[];
  gaps: RecordingGap[];
  failures: RecordingFailure[];
  lines: Array<Record<string, unknown>>;
  /** Resolves once `predicate` holds; checked after every report and every 100 ms. */
  waitFor(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Creates a recorder writing to `dir`; it is stopped when the test file ends. */
export function recorderHarness(
  config: CameraConfig,
  dir: string,
  extra: { onFailure?: (failure: RecordingFailure) => void; timing?: Partial<CameraSourceTiming> } = {},
): RecorderHarness {
  const { logger, lines } = memoryLogger();
  const segments: Segment[] = [];
  const gaps: RecordingGap[] = [];
  const failures: RecordingFailure[] = [];
  const recorder = createSegmentRecorder(
    {
      camera: CAMERA,
      config,
      dir,
      logger,
      timing: { ...TEST_RECORDER_TIMING, ...extra.timing },
      onSegment: (segment) => segments.push(segment),
      onGap: (gap) => gaps.push(gap),
      onFailure: (failure) => {
        failures.push(failure);
        extra.onFailure?.(failure);
      },
    },
    { hasHardwareEncoder: () => false },
  );
  after(() => recorder.stop());
  const waitFor = async (what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(
          `${what}: not within ${timeoutMs} ms; segments ${JSON.stringify(segments.map(span))}, gaps ${JSON.stringify(gaps)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { recorder, segments, gaps, failures, lines, waitFor };
}

function span(segment: Segment): string {
  return `${segment.startedAt}-${segment.endedAt}`;
}

/** The pids of ffmpeg processes this test process started (and that are still alive). */
export function ffmpegPids(): number[] {
  return descendantProcesses()
    .filter((child) => child.command === 'ffmpeg')
    .map((child) => child.pid);
}

/**
 * Decodes `seconds` of ffmpeg's test pattern into packed rgb24 frames of `width`x`height`, for
 * pushing into an encode-mode recorder like a libcamera or sim source would.
 */
export function testPatternFrames(width: number, height: number, count: number): Buffer[] {
  const raw = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=10`, '-frames:v', String(count)],
      ...['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
    ],
    { maxBuffer: width * height * 3 * count + 1024 },
  );
  const size = width * height * 3;
  return Array.from({ length: count }, (_, i) => raw.subarray(i * size, (i + 1) * size));
}

/** A frame as a camera source would deliver it. */
export function frameOf(data: Buffer, width: number, height: number, seq: number): Frame {
  return { data, width, height, format: 'rgb24', timestamp: Date.now(), seq };
}

/** The top-level MP4 boxes of a file, in order (`ftyp`, `moov`, `mdat`, …). */
export function topLevelBoxes(file: string): string[] {
  const data = readFileSync(file);
  const boxes: string[] = [];
  let offset = 0;
  while (offset + 8 <= data.length) {
    let size = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(offset + 8));
    else if (size === 0) size = data.length - offset;
    if (size < 8) throw new Error(`${file}: broken box '${type}' of ${size} bytes at ${offset}`);
    boxes.push(type);
    offset += size;
  }
  return boxes;
}
