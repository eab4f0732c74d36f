/**
 * Calibrates each object model's default `min_score` and `threshold` (models/registry.ts
 * `defaults`) on annotated footage: runs the model on every annotated frame the way the appliance
 * does (createDetector, worker thread), once on the whole frame and once on crops of the model's
 * input size around each annotated person (what the pipeline's regions feed it), and matches
 * person detections to the annotated boxes (IoU ≥ 0.4, best score first) per frame.
 *
 *   npx tsx scripts/calibrateDetectors.ts --clip vtest.avi --annotations boxes.json [--models centernet,nanodet]
 *
 * Annotations: `{ "frames": { "<frame index>": [[x1, y1, x2, y2], …] } }` (clip pixels), or an
 * array `[{ "frame": n, "boxes": [[…]] }]`; a frame listed with no boxes is an empty scene.
 *
 * min_score: the lowest score cut (the most recall) with per-frame recall ≥ 0.8 at precision ≥ 0.9
 * on the full frame and in regions; failing that, on the full frame alone. threshold (the median
 * score a track needs): the highest cut, not below min_score, at which per-frame recall is still
 * ≥ 0.75 — three quarters of the sightings clear it, so a typical person's median does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type Box, iou } from '../base/geometry';
import type { RgbImage } from '../base/image/rgbImage';
import { createDetector } from '../hal/accel/createDetector';
import { modelManifest } from '../models/registry';

const MATCH_IOU = 0.4;
const print = (line: string) => process.stdout.write(`${line}\n`);
const CUTS = Array.from({ length: 17 }, (_, i) => Number((0.1 + i * 0.05).toFixed(2)));

type Annotations = Map<number, Box[]>;

function readAnnotations(file: string): Annotations {
  const json = JSON.parse(readFileSync(file, 'utf8')) as
    | { frames: Record<string, Box[]> }
    | Array<{ frame: number; boxes: Box[] }>;
  if (Array.isArray(json)) return new Map(json.map((f) => [f.frame, f.boxes]));
  return new Map(Object.entries(json.frames).map(([frame, boxes]) => [Number(frame), boxes]));
}

/** Frame `index` of the clip (by count, not time), decoded by ffmpeg as a PPM: its header gives the size. */
function frameAt(clip: string, index: number): RgbImage {
  const ppm = execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-i',
      clip,
      '-vf',
      `select=eq(n\\,${index})`,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-vcodec',
      'ppm',
      '-',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  // "P6\n<width> <height>\n255\n" then packed RGB.
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error(`${clip}: no frame ${index}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const data = ppm.subarray(header[0].length, header[0].length + width * height * 3);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}

function crop(image: RgbImage, left: number, top: number, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { data, width, height };
}

interface Row {
  cut: number;
  recall: number;
  precision: number;
}

interface Scored {
  score: number;
  box: Box;
}

/** Adds one frame's true positives, false positives and misses at each score cut. */
function match(
  found: Scored[],
  truth: Box[],
  tally: Map<number, { tp: number; fp: number; fn: number }>,
): void {
  for (const cut of CUTS) {
    const used = new Set<number>();
    const entry = tally.get(cut) ?? { tp: 0, fp: 0, fn: 0 };
    for (const d of found.filter((f) => f.score >= cut).sort((a, b) => b.score - a.score)) {
      let best = -1;
      let bestIou = MATCH_IOU;
      for (const [i, t] of truth.entries()) {
        const overlap = iou(d.box, t);
        if (!used.has(i) && overlap >= bestIou) {
          best = i;
          bestIou = overlap;
        }
      }
      if (best >= 0) {
        used.add(best);
        entry.tp++;
      } else entry.fp++;
    }
    entry.fn += truth.length - used.size;
    tally.set(cut, entry);
  }
}

const centre = (b: Box) => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] as const;
const inside = (b: Box, l: number, t: number, w: number, h: number) => {
  const [x, y] = centre(b);
  return x >= l && x < l + w && y >= t && y < t + h;
};

const { values } = parseArgs({
  options: {
    clip: { type: 'string' },
    annotations: { type: 'string' },
    models: { type: 'string', default: 'centernet,nanodet' },
  },
});
if (!values.clip || !values.annotations) {
  console.error('usage: tsx scripts/calibrateDetectors.ts --clip FILE --annotations FILE [--models a,b]');
  process.exit(2);
}
const clip = values.clip;
const annotations = readAnnotations(values.annotations);
const frames = [...annotations.keys()].sort((a, b) => a - b);
const images = new Map(frames.map((f) => [f, frameAt(clip, f)]));
const first = images.values().next().value as RgbImage;
const info = { width: first.width, height: first.height };
const logger = pino({ level: 'warn' });

for (const model of (values.models ?? '').split(',')) {
  const manifest = modelManifest(model);
  const detector = createDetector(
    'calibrate',
    { type: 'wasm', model: model as 'centernet' },
    { logger, filter: { minScore: 0.1 } },
  );
  await detector.load();
  const full = new Map<number, { tp: number; fp: number; fn: number }>();
  const regions = new Map<number, { tp: number; fp: number; fn: number }>();
  const side = Math.min(manifest.inputSize, info.width, info.height);
  for (const frame of frames) {
    const image = images.get(frame) as RgbImage;
    const truth = annotations.get(frame) ?? [];
    const toPixels = (b: Box, l = 0, t = 0, w = info.width, h = info.height): Box => [
      l + b[0] * w,
      t + b[1] * h,
      l + b[2] * w,
      t + b[3] * h,
    ];
    const people = (await detector.detect(image)).filter((d) => d.label === 'person');
    match(
      people.map((d) => ({ score: d.score, box: toPixels(d.box) })),
      truth,
      full,
    );
    // One region per annotated person, of the model's input size, centred on it (clamped to the frame).
    for (const person of truth) {
      const [cx, cy] = centre(person);
      const left = Math.round(Math.min(Math.max(0, cx - side / 2), info.width - side));
      const top = Math.round(Math.min(Math.max(0, cy - side / 2), info.height - side));
      const found = (await detector.detect(crop(image, left, top, side, side)))
        .filter((d) => d.label === 'person')
        .map((d) => ({ score: d.score, box: toPixels(d.box, left, top, side, side) }))
        .filter((d) => inside(d.box, left, top, side, side));
      match(
        found,
        truth.filter((b) => inside(b, left, top, side, side)),
        regions,
      );
    }
  }
  await detector.close();
  const curves = [
    ['full frame', full],
    [`regions ${side}²`, regions],
  ] as const;
  const rowsOf = new Map<string, Row[]>();
  for (const [scale, tally] of curves) {
    print(
      `\n${model}, ${scale} (${frames.length} frames, ${[...annotations.values()].flat().length} people):`,
    );
    print('  cut  recall precision');
    const rows = CUTS.map((cut) => {
      const t = tally.get(cut) ?? { tp: 0, fp: 0, fn: 0 };
      const row = {
        cut,
        recall: t.tp / Math.max(1, t.tp + t.fn),
        precision: t.tp / Math.max(1, t.tp + t.fp),
      };
      print(
        `  ${cut.toFixed(2)} ${row.recall.toFixed(3).padStart(6)} ${row.precision.toFixed(3).padStart(9)}`,
      );
      return row;
    });
    rowsOf.set(scale, rows);
  }
  const [fullRows = [], regionRows = []] = [...rowsOf.values()];
  const meets = (rows: Row[], cut: number) =>
    rows.some((r) => r.cut === cut && r.recall >= 0.8 && r.precision >= 0.9);
  const inBoth = CUTS.find((cut) => meets(fullRows, cut) && meets(regionRows, cut));
  const minScore = inBoth ?? CUTS.find((cut) => meets(fullRows, cut));
  if (minScore === undefined) {
    print(
      `  → ${model}: no cut reaches recall 0.8 at precision 0.9 on the full frame; choose by hand from the curves`,
    );
    continue;
  }
  const sighted = (rows: Row[], cut: number) => rows.some((r) => r.cut === cut && r.recall >= 0.75);
  const threshold =
    CUTS.filter(
      (cut) => cut >= minScore && sighted(fullRows, cut) && (!inBoth || sighted(regionRows, cut)),
    ).at(-1) ?? minScore;
  const at = (rows: Row[], cut: number) => rows.find((r) => r.cut === cut);
  const describe = (row: Row | undefined) =>
    `recall ${row?.recall.toFixed(2)}, precision ${row?.precision.toFixed(2)}`;
  print(
    `  → ${model}: min_score ${minScore} (${inBoth !== undefined ? 'full frame and regions' : 'full frame only'}: ${describe(at(fullRows, minScore))} / ${describe(at(regionRows, minScore))}), threshold ${threshold} (${describe(at(fullRows, threshold))} / ${describe(at(regionRows, threshold))})`,
  );
}
