/**
 * Step 1 of the semi-automatic annotation of vtest (see eval/README.md): decodes every 5th
 * frame, computes the clip's median background, and runs centernet at a low threshold on the
 * whole frame and on overlapping 320 px tiles (enlarged 1.6× to the model's 512 input), so the
 * 20-40 px people are seen at a size the model handles. Writes raw candidates and the background
 * to a work directory for step 2 (linkTracks.ts). Slow (minutes); run once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { RgbImage } from '../../base/image/rgbImage';
import { createDetector } from '../../hal/accel/createDetector';
import { InProcessRunner } from '../../hal/accel/tfjs/inProcessRunner';
import { decodeEvery, medianFrame } from '../background';

const [source, workDir = '/tmp/vigil-eval/annotate'] = process.argv.slice(2);
if (!source) throw new Error('usage: tsx eval/annotate/detectCandidates.ts VTEST.AVI [WORKDIR]');
const WIDTH = 768;
const HEIGHT = 576;
const STEP = 5;
const TILE = 320;

function crop(frame: Uint8Array, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    data.set(frame.subarray(((y0 + y) * WIDTH + x0) * 3, ((y0 + y) * WIDTH + x0 + w) * 3), y * w * 3);
  return { data, width: w, height: h };
}

const starts = (size: number) => {
  const n = Math.ceil((size - TILE) / (TILE * 0.7)) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * (size - TILE)) / (n - 1)));
};

mkdirSync(workDir, { recursive: true });
const frames = await decodeEvery(source, WIDTH, HEIGHT, STEP);
console.log(`decoded ${frames.length} frames`);
writeFileSync(join(workDir, 'background.rgb'), medianFrame(frames));
console.log('background written');
const logger = pino({ level: 'warn' });
const detector = createDetector('annotate', { type: 'wasm', model: 'centernet' } as never, {
  logger,
  runner: new InProcessRunner('wasm'),
  filter: { minScore: 0.12, maxDetections: 100 },
});
await detector.load();
const out: Record<string, Array<{ box: number[]; score: number; from: string }>> = {};
const t0 = Date.now();
for (let f = 0; f < frames.length; f++) {
  const frame = frames[f] as Uint8Array;
  const found: Array<{ box: number[]; score: number; from: string }> = [];
  for (const d of await detector.detect({ data: frame, width: WIDTH, height: HEIGHT })) {
    if (d.label === 'person')
      found.push({
        box: [d.box[0] * WIDTH, d.box[1] * HEIGHT, d.box[2] * WIDTH, d.box[3] * HEIGHT],
        score: d.score,
        from: 'full',
      });
  }
  for (const y0 of starts(HEIGHT)) {
    for (const x0 of starts(WIDTH)) {
      for (const d of await detector.detect(crop(frame, x0, y0, TILE, TILE))) {
        if (d.label !== 'person') continue;
        found.push({
          box: [x0 + d.box[0] * TILE, y0 + d.box[1] * TILE, x0 + d.box[2] * TILE, y0 + d.box[3] * TILE],
          score: d.score,
          from: `tile${x0},${y0}`,
        });
      }
    }
  }
  out[String(f * STEP)] = found;
  if (f % 10 === 0)
    console.log(`frame ${f * STEP}: ${found.length} candidates, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
writeFileSync(join(workDir, 'candidates.json'), JSON.stringify(out));
await detector.close();
console.log('done');
