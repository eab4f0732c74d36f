/**
 * Object detector speed per registry model and path (NanoDet also converted to ONNX at 1 and 2
 * intra-op threads), each on the appliance's code path
 * (createDetector: a supervised worker thread, letterbox, decode, NMS), on one 640×360 region of
 * real people. The models take turns call by call, so machine load hits them alike; the ratio to
 * wasm CenterNet (the old default) is the figure to compare across machines.
 * Run: `npm run bench:detectors [calls]`. `BENCH_CPU_CALLS` (default 1; 0 skips) calls on the
 * plain-JS cpu backend, measured after the others since one takes 10-20 s. `BENCH_ONNX_MODEL=path`
 * also times that ONNX model's raw session.run with onnxruntime-node at 1 and 2 intra-op threads
 * (no detection ONNX model installs from the npm registry, see README "Object models").
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import sharp from 'sharp';
import type { RgbImage } from '../base/image/rgbImage';
import { createDetector } from '../hal/accel/createDetector';
import type { ObjectDetector } from '../hal/accel/types';
import { benchSize, benchTitle, SMOKE } from './benchMode';

const CALLS = benchSize(process.argv[2], 20, 2);
const CPU_CALLS = benchSize(process.env.BENCH_CPU_CALLS, 1, 0);
const WARMUP = SMOKE ? 0 : 2;
const MODELS = ['centernet', 'nanodet'] as const;

/** The group photo of human's samples.jpg (real people), scaled to the default detect size. */
async function region(): Promise<RgbImage> {
  const require = createRequire(import.meta.url);
  const samples = join(dirname(dirname(require.resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
  const { data, info } = await sharp(samples)
    .extract({ left: 0, top: 420, width: 1280, height: 738 })
    .resize(640, 360, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

interface Measured {
  path: string;
  totalMs: number;
  calls: number;
  people: number;
}

const logger = pino({ level: 'warn' });
const image = await region();

async function started(type: 'wasm' | 'cpu', model: string): Promise<ObjectDetector> {
  return warm(createDetector(`${type}-${model}`, { type, model: model as 'centernet' }, { logger }));
}

/** NanoDet converted to ONNX at load, on onnxruntime with `threads` intra-op threads. */
function onnxNanodet(threads: number): Promise<ObjectDetector> {
  return warm(
    createDetector(
      `onnx-nanodet-${threads}`,
      { type: 'onnx', model: 'nanodet', execution_provider: 'cpu', intra_op_threads: threads },
      { logger },
    ),
  );
}

async function warm(detector: ObjectDetector): Promise<ObjectDetector> {
  await detector.load();
  for (let i = 0; i < WARMUP; i++) await detector.detect(image);
  return detector;
}

/** Times `calls` detect() calls per detector, taking turns call by call. */
async function timeInTurns(detectors: Array<[string, ObjectDetector]>, calls: number): Promise<Measured[]> {
  const measured = detectors.map(([path]) => ({ path, totalMs: 0, calls: 0, people: 0 }));
  for (let call = 0; call < calls; call++) {
    for (const [index, [, detector]] of detectors.entries()) {
      const started = performance.now();
      const found = await detector.detect(image);
      const entry = measured[index] as Measured;
      entry.totalMs += performance.now() - started;
      entry.calls++;
      entry.people = found.filter((d) => d.label === 'person' && d.score >= 0.3).length;
    }
  }
  return measured;
}

async function onnxRaw(modelPath: string, threads: number, calls: number): Promise<Measured> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  const size = Number(process.env.BENCH_ONNX_SIZE ?? 640);
  const [inputName = 'images'] = session.inputNames;
  const feeds = {
    [inputName]: new ort.Tensor('float32', new Float32Array(3 * size * size), [1, 3, size, size]),
  };
  for (let i = 0; i < WARMUP; i++) await session.run(feeds);
  const started = performance.now();
  for (let i = 0; i < calls; i++) await session.run(feeds);
  const totalMs = performance.now() - started;
  await session.release();
  return {
    path: `onnx ${threads} thread${threads > 1 ? 's' : ''} (raw run, ${size}²)`,
    totalMs,
    calls,
    people: Number.NaN,
  };
}

console.log(benchTitle(`Object detectors: ${CALLS} calls each on a 640×360 region of real people, in turns`));
const detectors: Array<[string, ObjectDetector]> = [];
for (const model of MODELS) detectors.push([`wasm ${model}`, await started('wasm', model)]);
for (const threads of [1, 2])
  detectors.push([`onnx nanodet, ${threads} thread${threads > 1 ? 's' : ''}`, await onnxNanodet(threads)]);
const results = await timeInTurns(detectors, CALLS);
for (const [, detector] of detectors) await detector.close();
if (CPU_CALLS > 0) {
  const cpu = await started('cpu', 'nanodet');
  results.push(...(await timeInTurns([['cpu nanodet', cpu]], CPU_CALLS)));
  await cpu.close();
}
const onnxModel = process.env.BENCH_ONNX_MODEL;
if (onnxModel) for (const threads of [1, 2]) results.push(await onnxRaw(onnxModel, threads, CALLS));

const baseline = results.find((r) => r.path === 'wasm centernet');
const perSecond = (r: Measured) => (1000 * r.calls) / r.totalMs;
console.log(
  `  ${'path'.padEnd(36)} ${'ms/call'.padStart(8)} ${'regions/s'.padStart(10)} ${'× centernet'.padStart(12)}  people ≥ 0.3`,
);
for (const r of results) {
  const ratio = baseline ? perSecond(r) / perSecond(baseline) : Number.NaN;
  console.log(
    `  ${r.path.padEnd(36)} ${(r.totalMs / r.calls).toFixed(0).padStart(8)} ${perSecond(r).toFixed(2).padStart(10)} ${ratio.toFixed(2).padStart(12)}  ${Number.isNaN(r.people) ? '-' : r.people}`,
  );
}
