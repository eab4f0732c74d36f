import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { MotionDetector } from '../../../../runtime/pipeline/motion/motionDetector';
import type { MotionResult } from '../../../../runtime/pipeline/types';
import { SAMPLES_JPG } from '../../../fixtures/personVideo';
import { tempDir } from '../../../helpers/tempDir';
import { HEIGHT, motionConfig, toPixels, WIDTH } from './syntheticScene';

const FPS = 10;
const SECONDS = 6;
/** The moving crop: a 96×94 photo from samples.jpg gliding left to right at 120 px/s from t = 1 s to 5 s. */
const CROP = { width: 96, height: 94, top: 200, x0: 40, speed: 120, from: 1, to: 5 };

/** Left edge of the crop (frame pixels) at time t, or null while it is out of view. */
function cropLeft(t: number): number | null {
  return t >= CROP.from && t <= CROP.to ? CROP.x0 + (t - CROP.from) * CROP.speed : null;
}

/**
 * An H.264 video made with ffmpeg: samples.jpg squeezed to 640×360 as a busy, still background
 * (a crowd of people), and one photo cropped from its top row moving across it.
 */
function makeVideo(dir: string): string {
  const file = join(dir, 'moving-crop.mp4');
  const x = `if(between(t,${CROP.from},${CROP.to}),${CROP.x0}+(t-${CROP.from})*${CROP.speed},-1000)`;
  const filter = [
    `[0]scale=${WIDTH}:${HEIGHT},setsar=1[background]`,
    `[1]crop=160:156:320:0,scale=${CROP.width}:${CROP.height}[photo]`,
    `[background][photo]overlay=x='${x}':y=${CROP.top}:eval=frame,format=yuv420p`,
  ].join(';');
  execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-y', '-loop', '1', '-framerate', String(FPS), '-i', SAMPLES_JPG],
      ...['-loop', '1', '-framerate', String(FPS), '-i', SAMPLES_JPG],
      ...['-filter_complex', filter, '-c:v', 'libx264', '-preset', 'ultrafast', '-t', String(SECONDS), file],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return file;
}

/** Decodes a video to packed rgb24 frames at detect size, as the ffmpeg camera driver does. */
function decodeFrames(file: string): Buffer[] {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${WIDTH}x${HEIGHT}`, 'pipe:1'],
    { maxBuffer: 128 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const size = WIDTH * HEIGHT * 3;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) =>
    raw.subarray(i * size, (i + 1) * size),
  );
}

function run(frames: Buffer[], improveContrast: boolean): MotionResult[] {
  const detector = new MotionDetector(motionConfig({ improve_contrast: improveContrast }), WIDTH, HEIGHT);
  return frames.map((data, seq) =>
    detector.detect({
      data,
      width: WIDTH,
      height: HEIGHT,
      format: 'rgb24',
      timestamp: 5_000 + seq * 100,
      seq,
    }),
  );
}

function iou(a: readonly number[], b: readonly number[]): number {
  const [ax1 = 0, ay1 = 0, ax2 = 0, ay2 = 0] = a;
  const [bx1 = 0, by1 = 0, bx2 = 0, by2 = 0] = b;
  const overlap =
    Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1)) *
    Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  return overlap / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - overlap);
}

/** Checks every frame's regions against where the crop is (and just was). */
function assertRegionsFollowTheCrop(results: MotionResult[]): void {
  const margin = 8;
  results.forEach((result, seq) => {
    const t = seq / FPS;
    const now = cropLeft(t);
    const before = cropLeft((seq - 1) / FPS);
    const label = `frame ${seq} (t=${t.toFixed(1)} s, crop at ${now}): ${JSON.stringify(result.regions.map((r) => toPixels(r.box)))}`;
    assert.equal(result.globalChange, false, label);
    if (t < CROP.from - 0.05 || t > CROP.to + 0.25) {
      assert.deepEqual(result.regions, [], `nothing moves in ${label}`);
      return;
    }
    // Every region lies where the crop is or was a frame ago.
    const lefts = [now, before].filter((x): x is number => x !== null);
    for (const region of result.regions) {
      const [x1, y1, x2, y2] = toPixels(region.box);
      assert.ok(
        lefts.length > 0 &&
          x1 >= Math.min(...lefts) - margin &&
          x2 <= Math.max(...lefts) + CROP.width + margin &&
          y1 >= CROP.top - margin &&
          y2 <= CROP.top + CROP.height + margin,
        `region away from the crop in ${label}`,
      );
    }
    if (now !== null && t > CROP.from + 0.05 && t < CROP.to - 0.05) {
      assert.equal(result.regions.length, 1, `one region in ${label}`);
      const box = toPixels(result.regions[0]?.box ?? []);
      const expected = [now, CROP.top, now + CROP.width, CROP.top + CROP.height];
      assert.ok(
        iou(box, expected) > 0.8,
        `region fits the crop (IoU ${iou(box, expected).toFixed(2)}) in ${label}`,
      );
    }
  });
}

describe('MotionDetector on a real video (ffmpeg-made H.264, decoded to rgb24)', () => {
  let frames: Buffer[] = [];
  before(() => {
    frames = decodeFrames(makeVideo(tempDir()));
  });

  test('finds the moving crop at its known position in every frame and nothing anywhere else', () => {
    assert.equal(frames.length, FPS * SECONDS);
    const results = run(frames, false);
    assertRegionsFollowTheCrop(results);
    assert.equal(results.filter((r) => r.regions.length > 0).length >= 39, true);
  });

  test('with improve_contrast the same, and compression noise is not stretched into motion', () => {
    assertRegionsFollowTheCrop(run(frames, true));
  });
});
