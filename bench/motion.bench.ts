/**
 * Motion detection cost per frame at 640×360 (the default detect size), against a baseline
 * measured in the same run: one plain pass reading every byte of the frame, the least any
 * per-frame work must pay. Scenes: idle (sensor noise only), busy (four moving squares) and
 * speckle (1,500 scattered 4×4 specks a frame: the worst case for labelling and merging); and the
 * idle scene from the luma plane alone, as a yuv420p camera frame gives it (what an idle camera
 * pays).
 * Run: `npx tsx bench/motion.bench.ts [frames]`.
 */
import { performance } from 'node:perf_hooks';
import type { Frame } from '../hal/camera/types';
import type { MotionConfig } from '../runtime/config/schema/camera';
import { MotionDetector } from '../runtime/pipeline/motion/motionDetector';
import { benchSize, benchTitle, SMOKE } from './benchMode';

const WIDTH = 640;
const HEIGHT = 360;
const FRAMES = benchSize(process.argv[2], 1000, 20);
const WARMUP = SMOKE ? 10 : 200;
const VARIANTS = SMOKE ? 4 : 24;
const FPS = 5;

const config: MotionConfig = {
  enabled: true,
  threshold: 30,
  contour_area: 10,
  mask: [],
  cooldown_seconds: 0,
  improve_contrast: false,
};

/** Deterministic pseudo-random numbers (xorshift32) so every run measures the same frames. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

/** A textured background: diagonal gradient plus fixed per-pixel texture, in rgb24. */
function background(): Buffer {
  const next = random(7);
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const base = 50 + (120 * (x + y)) / (WIDTH + HEIGHT) + next() * 30;
      const p = (y * WIDTH + x) * 3;
      data[p] = base;
      data[p + 1] = base + 10;
      data[p + 2] = base - 10;
    }
  }
  return data;
}

type Painter = (data: Buffer, index: number, next: () => number) => void;

/** `VARIANTS` frames of the background with sensor noise (±4) and whatever `paint` adds. */
function frames(paint: Painter): Buffer[] {
  const scene = background();
  const next = random(11);
  return Array.from({ length: VARIANTS }, (_, index) => {
    const data = Buffer.from(scene);
    for (let i = 0; i < data.length; i++)
      data[i] = Math.min(255, Math.max(0, (data[i] ?? 0) + next() * 9 - 4));
    paint(data, index, next);
    return data;
  });
}

function fillSquare(data: Buffer, left: number, top: number, size: number, value: number): void {
  for (let y = Math.max(0, top); y < Math.min(HEIGHT, top + size); y++) {
    for (let x = Math.max(0, left); x < Math.min(WIDTH, left + size); x++)
      data.fill(value, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
  }
}

const paintMovers: Painter = (data, index) => {
  for (let k = 0; k < 4; k++)
    fillSquare(data, 20 + ((index * (8 + 4 * k)) % 560), 20 + k * 85, 50, k % 2 ? 230 : 15);
};

const paintSpeckle: Painter = (data, _index, next) => {
  for (let n = 0; n < 1500; n++) {
    fillSquare(data, Math.floor(next() * WIDTH), Math.floor(next() * HEIGHT), 4, next() < 0.5 ? 0 : 255);
  }
};

/** Reads every byte once: the floor for any per-frame pass over the pixels. */
function baselinePass(data: Buffer): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum + (data[i] as number)) | 0;
  return sum;
}

interface Timing {
  meanMs: number;
  p99Ms: number;
  regionsPerFrame: number;
}

/** Limited-range luma planes (BT.601) of rgb24 frames, each in a buffer of its own as a camera frame's is. */
function lumaPlanes(scene: Buffer[]): Buffer[] {
  return scene.map((rgb) => {
    const luma = Buffer.alloc(WIDTH * HEIGHT);
    for (let i = 0; i < luma.length; i++) {
      const y =
        (77 * (rgb[3 * i] as number) + 150 * (rgb[3 * i + 1] as number) + 29 * (rgb[3 * i + 2] as number)) >>
        8;
      luma[i] = 16 + Math.round((y * 219) / 255);
    }
    return luma;
  });
}

function time(
  scene: Buffer[],
  work: (frame: Frame) => number,
  count: number,
  seq0: number,
  luma?: Buffer[],
): Timing {
  const samples = new Float64Array(count);
  let regions = 0;
  for (let i = 0; i < count; i++) {
    const seq = seq0 + i;
    const frame: Frame = {
      data: scene[i % scene.length] as Buffer,
      ...(luma ? { luma: luma[i % luma.length] as Buffer } : {}),
      width: WIDTH,
      height: HEIGHT,
      format: 'rgb24',
      timestamp: seq * (1000 / FPS),
      seq,
    };
    const start = performance.now();
    regions += work(frame);
    samples[i] = performance.now() - start;
  }
  const sorted = samples.slice().sort();
  const total = samples.reduce((a, b) => a + b, 0);
  return {
    meanMs: total / count,
    p99Ms: sorted[Math.floor(0.99 * (count - 1))] ?? 0,
    regionsPerFrame: regions / count,
  };
}

function row(label: string, t: Timing, baseline?: Timing): string {
  const core = ((t.meanMs * FPS) / 1000) * 100;
  const ratio = baseline ? `   ${(t.meanMs / baseline.meanMs).toFixed(1).padStart(5)}× baseline` : '';
  return `${label.padEnd(16)} ${t.meanMs.toFixed(3).padStart(7)} ms/frame   p99 ${t.p99Ms.toFixed(3).padStart(7)} ms   ${core.toFixed(2).padStart(5)} % core at ${FPS} fps   ${t.regionsPerFrame.toFixed(1).padStart(4)} regions/frame${ratio}\n`;
}

function main(): void {
  const out = process.stdout;
  out.write(
    `${benchTitle(`motion bench: ${WIDTH}×${HEIGHT} rgb24, ${FRAMES} frames per scene, node ${process.version}`)}\n`,
  );
  const scenes: [string, Buffer[]][] = [
    ['idle', frames(() => undefined)],
    ['busy', frames(paintMovers)],
    ['speckle', frames(paintSpeckle)],
  ];
  let sink = 0;
  const baselineWork = (frame: Frame): number => {
    sink += baselinePass(frame.data);
    return 0;
  };
  const idle = scenes[0]?.[1] ?? [];
  time(idle, baselineWork, WARMUP, 0);
  const baseline = time(idle, baselineWork, FRAMES, 0);
  out.write(row('baseline (read)', baseline));
  for (const [name, scene] of scenes) {
    const detector = new MotionDetector(config, WIDTH, HEIGHT);
    // Learn the idle background first, as a camera would before anything moves.
    time(idle, (frame) => detector.detect(frame).regions.length, WARMUP, 0);
    const result = time(scene, (frame) => detector.detect(frame).regions.length, FRAMES, WARMUP);
    out.write(row(name, result, baseline));
  }
  const lumaDetector = new MotionDetector(config, WIDTH, HEIGHT);
  const luma = lumaPlanes(idle);
  time(idle, (frame) => lumaDetector.detect(frame).regions.length, WARMUP, 0, luma);
  const fromLuma = time(idle, (frame) => lumaDetector.detect(frame).regions.length, FRAMES, WARMUP, luma);
  out.write(row('idle, luma', fromLuma, baseline));
  if (sink < 0) out.write('unreachable\n');
}

main();
