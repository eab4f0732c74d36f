import type { Frame } from '../../../../hal/camera/types';
import { applyDefaults } from '../../../../runtime/config/applyDefaults';
import { CameraSchema, type MotionConfig } from '../../../../runtime/config/schema/camera';

export const WIDTH = 640;
export const HEIGHT = 360;
/** Frame interval of the synthetic camera (5 fps, the default detect rate). */
export const FRAME_MS = 200;

/** The camera schema's motion defaults with some settings changed. */
export function motionConfig(overrides: Partial<MotionConfig> = {}): MotionConfig {
  return applyDefaults(CameraSchema.properties.motion, { ...overrides }) as MotionConfig;
}

/** Deterministic pseudo-random numbers in [0, 1) (xorshift32). */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** A packed rgb24 scene: grey levels `low`..`high` in a diagonal gradient with fixed texture. */
export function texturedScene(low = 60, high = 180, seed = 3): Buffer {
  const next = random(seed);
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  const span = high - low;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const level = low + span * 0.8 * ((x + y) / (WIDTH + HEIGHT)) + span * 0.2 * next();
      data.fill(Math.round(level), (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
    }
  }
  return data;
}

const NOISE_SLACK = 1 << 16;
const noiseTables = new Map<number, Int8Array>();

/** Uniform integer noise in -amplitude..amplitude, made once and read at a random offset per frame. */
function noiseTable(amplitude: number): Int8Array {
  let table = noiseTables.get(amplitude);
  if (!table) {
    const next = random(12345 + amplitude);
    table = Int8Array.from({ length: WIDTH * HEIGHT * 3 + NOISE_SLACK }, () =>
      Math.floor(next() * (2 * amplitude + 1) - amplitude),
    );
    noiseTables.set(amplitude, table);
  }
  return table;
}

/** A copy of `scene` with sensor noise of ±`amplitude` grey levels on every byte, different each call. */
export function noisy(scene: Buffer, next: () => number, amplitude = 4): Buffer {
  const table = noiseTable(amplitude);
  const offset = Math.floor(next() * NOISE_SLACK);
  const data = Buffer.alloc(scene.length);
  for (let i = 0; i < scene.length; i++) {
    const value = (scene[i] as number) + (table[offset + i] as number);
    data[i] = Math.min(255, Math.max(0, value));
  }
  return data;
}

/** A copy of `scene` with every byte shifted by `delta` (clamped): lights on/off. */
export function brightened(scene: Buffer, delta: number): Buffer {
  const data = Buffer.alloc(scene.length);
  for (let i = 0; i < scene.length; i++) data[i] = Math.min(255, Math.max(0, (scene[i] as number) + delta));
  return data;
}

/** Paints a filled rectangle (frame pixels, clipped) of one grey level, in place. */
export function fillRect(
  data: Buffer,
  x: number,
  y: number,
  width: number,
  height: number,
  level: number,
): Buffer {
  for (let row = Math.max(0, y); row < Math.min(HEIGHT, y + height); row++) {
    const from = (row * WIDTH + Math.max(0, x)) * 3;
    const to = (row * WIDTH + Math.min(WIDTH, x + width)) * 3;
    if (to > from) data.fill(level, from, to);
  }
  return data;
}

/** Wraps pixels as frame number `seq` of a 5 fps camera that started at t = 1,000,000 ms. */
export function frameAt(data: Buffer, seq: number, width = WIDTH, height = HEIGHT): Frame {
  return { data, width, height, format: 'rgb24', timestamp: 1_000_000 + seq * FRAME_MS, seq };
}

/** A box in frame pixels from a normalised motion box, for readable assertions. */
export function toPixels(box: readonly number[]): [number, number, number, number] {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  return [x1 * WIDTH, y1 * HEIGHT, x2 * WIDTH, y2 * HEIGHT];
}

/** Asserts helper: whether two pixel boxes agree within `tolerance` pixels on every edge. */
export function boxesAgree(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: number,
): boolean {
  return (
    actual.length === 4 && actual.every((v, i) => Math.abs(v - (expected[i] ?? Number.NaN)) <= tolerance)
  );
}

/** Brightens or darkens a rectangle (frame pixels, clipped) by `delta` grey levels, in place. */
export function shiftRect(
  data: Buffer,
  x: number,
  y: number,
  width: number,
  height: number,
  delta: number,
): Buffer {
  for (let row = Math.max(0, y); row < Math.min(HEIGHT, y + height); row++) {
    for (
      let i = (row * WIDTH + Math.max(0, x)) * 3;
      i < (row * WIDTH + Math.min(WIDTH, x + width)) * 3;
      i++
    ) {
      data[i] = Math.min(255, Math.max(0, (data[i] as number) + delta));
    }
  }
  return data;
}
