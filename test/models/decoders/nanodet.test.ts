import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { RgbImage } from '../../../base/image/rgbImage';
import { vtestVideo } from '../../../eval/footage';
import { createDetector } from '../../../hal/accel/createDetector';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import type { ObjectDetector } from '../../../hal/accel/types';
import { decodeNanodet } from '../../../models/decoders/nanodet';
import type { Detection, TensorData } from '../../../models/types';
import { SAMPLE_REGIONS, sampleImage } from '../../hal/accel/fixtures/images';
import { memoryLogger } from '../../helpers/memoryLogger';

const LABELS = ['person', 'bicycle', 'car'];
const BINS = 8;

/** NanoDet's six outputs for a 64-pixel input (levels of 8×8, 4×4, 2×2 cells), all cold. */
function coldOutputs(): TensorData[] {
  return [8, 4, 2].flatMap((side) => [
    { data: new Float32Array(side * side * LABELS.length), shape: [1, side * side, LABELS.length] },
    { data: new Float32Array(side * side * 4 * BINS).fill(-20), shape: [1, side * side, 4 * BINS] },
  ]);
}

/** Sets one side's distribution so that all its weight is on bin `at`. */
function peak(boxes: TensorData, cell: number, side: number, at: number): void {
  boxes.data[cell * 4 * BINS + side * BINS + at] = 20;
}

describe('decodeNanodet', () => {
  const manifest = { id: 'nanodet', inputSize: 64, labels: LABELS };

  it('reads a cell: best class score, distances in strides from the cell centre', () => {
    const outputs = coldOutputs();
    const [scores8, boxes8, scores16, boxes16] = outputs as [TensorData, TensorData, TensorData, TensorData];
    // Stride 8, cell (col 2, row 1): centre (20, 12). Left 1, top 1, right 2, bottom 3 strides.
    const cell = 1 * 8 + 2;
    scores8.data[cell * 3 + 0] = 0.9;
    scores8.data[cell * 3 + 2] = 0.4;
    for (const [side, bin] of [1, 1, 2, 3].entries()) peak(boxes8, cell, side, bin);
    // Stride 16, cell (col 0, row 0): a car below min score.
    scores16.data[2] = 0.2;
    peak(boxes16, 0, 2, 1);
    const found = decodeNanodet(outputs, manifest, 0.3);
    assert.equal(found.length, 1);
    const [person] = found as [Detection];
    assert.equal(person.label, 'person');
    assert.ok(Math.abs(person.score - 0.9) < 1e-6);
    const expected = [(20 - 8) / 64, (12 - 8) / 64, (20 + 16) / 64, (12 + 24) / 64];
    for (const [i, value] of person.box.entries())
      assert.ok(Math.abs(value - (expected[i] ?? 0)) < 1e-4, `${person.box}`);
  });

  it('takes the expectation of a spread distribution (half on 1, half on 3 = 2 strides)', () => {
    const outputs = coldOutputs();
    const scores32 = outputs[4] as TensorData;
    const boxes32 = outputs[5] as TensorData;
    scores32.data[3 * 3 + 1] = 0.8; // cell (1, 1), centre (48, 48), a bicycle
    for (const side of [0, 1]) peak(boxes32, 3, side, 0);
    for (const side of [2, 3]) {
      boxes32.data[3 * 4 * BINS + side * BINS + 1] = 5;
      boxes32.data[3 * 4 * BINS + side * BINS + 3] = 5;
    }
    const [bicycle] = decodeNanodet(outputs, manifest, 0.3) as [Detection];
    assert.equal(bicycle.label, 'bicycle');
    // Right and bottom: 2 strides of 32 past the centre, clamped to the input.
    assert.deepEqual(
      bicycle.box.map((v) => Number(v.toFixed(4))),
      [0.75, 0.75, 1, 1],
    );
  });

  it('names the shapes it got when a level is missing', () => {
    assert.throws(
      () => decodeNanodet(coldOutputs().slice(2), manifest, 0.3),
      /no \[1, 64, 3\] scores and \[1, 64, 4×bins\] boxes outputs among \[1,16,3\]/,
    );
  });
});

/** A frame of the opencv-doc pedestrian clip (768×576) as packed RGB. */
function vtestFrame(seconds: number): RgbImage {
  const data = execFileSync(
    'ffmpeg',
    [
      '-loglevel',
      'error',
      '-ss',
      String(seconds),
      '-i',
      VTEST,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 768 * 576 * 3 + 1 },
  );
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: 768, height: 576 };
}

/** Debian's opencv-doc sample clip, fetched and cached as the eval harness does. */
const VTEST = vtestVideo();

const people = (detections: Detection[], minScore = 0.3) =>
  detections.filter((d) => d.label === 'person' && d.score >= minScore);

describe('nanodet on wasm, through the real model', () => {
  const { logger } = memoryLogger();
  const runner = new InProcessRunner('wasm');
  let detector: ObjectDetector;

  before(async () => {
    detector = createDetector('default', { type: 'wasm', model: 'nanodet' }, { logger, runner });
    await detector.load();
  });
  after(() => runner.close());

  for (const name of ['standingWoman', 'seatedWoman', 'manAtTable'] as const) {
    it(`one person, tall and centred, in human's ${name} photo`, async () => {
      const [best] = people(await detector.detect(await sampleImage(SAMPLE_REGIONS[name])), 0.4);
      assert.ok(best, `no person found in ${name}`);
      const [x1, y1, x2, y2] = best.box;
      assert.ok(y2 - y1 > 0.5, `person box ${best.box} is not tall`);
      assert.ok(x1 < 0.5 && x2 > 0.5, `person box ${best.box} is not around the middle`);
    });
  }

  it('several people side by side in the group photo; nobody among the ceiling lamps', async () => {
    const found = people(await detector.detect(await sampleImage(SAMPLE_REGIONS.group)));
    assert.ok(found.length >= 4, `only ${found.length} people in the group photo`);
    assert.deepEqual(people(await detector.detect(await sampleImage(SAMPLE_REGIONS.ceiling))), []);
  });

  it('distant pedestrians (25-35 px wide) in the opencv-doc surveillance clip, none on the empty lawn', async () => {
    const found = people(await detector.detect(vtestFrame(10)));
    // Where the frame at 10 s shows people (pixel centres, checked by eye on the frame).
    const shown = [
      [505, 185],
      [365, 235],
      [395, 220],
      [603, 195],
    ];
    const hits = shown.filter(([x = 0, y = 0]) =>
      found.some((d) => d.box[0] * 768 < x && d.box[2] * 768 > x && d.box[1] * 576 < y && d.box[3] * 576 > y),
    );
    assert.ok(hits.length >= 3, `found only ${hits.length} of the 4 people: ${JSON.stringify(found)}`);
    for (const d of found) {
      const width = (d.box[2] - d.box[0]) * 768;
      assert.ok(width < 80, `a person box ${Math.round(width)} px wide, where people are 25-35 px`);
      // The lower half of the frame is lawn with a tripod; nobody walks there at 10 s.
      assert.ok((d.box[1] + d.box[3]) / 2 < 330 / 576, `a person on the empty lawn: ${d.box}`);
    }
  });
});

describe('nanodet on onnx (converted at load), in its worker', () => {
  const { logger } = memoryLogger();
  let detector: ObjectDetector;

  before(async () => {
    detector = createDetector(
      'default',
      { type: 'onnx', model: 'nanodet', execution_provider: 'cpu', intra_op_threads: 1 },
      { logger },
    );
    await detector.load();
  });
  after(() => detector.close());

  it('the same people as on wasm: the group photo, none among the ceiling lamps', async () => {
    const found = people(await detector.detect(await sampleImage(SAMPLE_REGIONS.group)));
    assert.ok(found.length >= 4, `only ${found.length} people in the group photo`);
    assert.deepEqual(people(await detector.detect(await sampleImage(SAMPLE_REGIONS.ceiling))), []);
  });

  it('distant pedestrians in the opencv-doc clip', async () => {
    const found = people(await detector.detect(vtestFrame(10)));
    const near = (x: number, y: number) =>
      found.some((d) => d.box[0] * 768 < x && d.box[2] * 768 > x && d.box[1] * 576 < y && d.box[3] * 576 > y);
    assert.ok(near(505, 185) && near(365, 235) && near(603, 195), JSON.stringify(found));
  });

  it('an onnx detector needs exactly one of model and model_path', () => {
    assert.throws(
      () => createDetector('x', { type: 'onnx', execution_provider: 'cpu' }, { logger }),
      /detector 'x' \(onnx\): give either model_path \(an .onnx file\) or model \(a built-in model\), not neither/,
    );
    assert.throws(
      () =>
        createDetector(
          'x',
          { type: 'onnx', model: 'nanodet', model_path: 'm.onnx', execution_provider: 'cpu' },
          { logger },
        ),
      /not both/,
    );
  });
});
