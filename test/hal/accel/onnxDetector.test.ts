import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDetector } from '../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../hal/accel/types';
import { COCO_LABELS } from '../../../models/cocoLabels';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { detectorContract } from './detectorContract';
import { gradientImage, SAMPLE_REGIONS, sampleImage, solidImage } from './fixtures/images';
import { type TinyYoloSpec, writeTinyYoloOnnx } from './fixtures/tinyYoloOnnx';

const dir = tempDir('vigil-onnx-');
const LABELS = ['person', 'parcel', 'car'];
/** Person: score = image brightness (0..1), with a weaker duplicate; car: always 0.9; parcel: below min score. */
const ANCHORS: TinyYoloSpec['anchors'] = [
  { cx: 32, cy: 32, w: 20, h: 40, classIndex: 0, baseScore: 0, brightnessScore: 1 },
  { cx: 33, cy: 31, w: 20, h: 38, classIndex: 0, baseScore: 0, brightnessScore: 0.8 },
  { cx: 16, cy: 28, w: 10, h: 8, classIndex: 2, baseScore: 0.9 },
  { cx: 50, cy: 50, w: 6, h: 6, classIndex: 1, baseScore: 0.1 },
];
const v8Model = join(dir, 'tiny-v8.onnx');
writeTinyYoloOnnx(v8Model, {
  layout: 'v8',
  inputSize: 64,
  labels: LABELS,
  anchors: ANCHORS,
  emptyAnchors: 30,
  namesMetadata: true,
});
const v5CocoModel = join(dir, 'tiny-v5-coco.onnx');
writeTinyYoloOnnx(v5CocoModel, {
  layout: 'v5',
  inputSize: 64,
  labels: COCO_LABELS,
  anchors: [{ cx: 32, cy: 32, w: 32, h: 32, classIndex: COCO_LABELS.indexOf('dog'), baseScore: 0.8 }],
  emptyAnchors: 30,
});

detectorContract(
  'onnx',
  () => {
    const { logger } = memoryLogger();
    const config = { type: 'onnx', model_path: v8Model, execution_provider: 'cpu' } as const;
    return { detector: createDetector('yolo', config, { logger }), labels: LABELS };
  },
  { images: async () => [await sampleImage(SAMPLE_REGIONS.seatedWoman), gradientImage(320, 180)] },
);

describe('onnx detector with a YOLOv8-layout model', () => {
  const { logger, lines } = memoryLogger();
  let detector: ObjectDetector;

  before(async () => {
    const config = { type: 'onnx', model_path: v8Model, execution_provider: 'tensorrt' } as const;
    detector = createDetector('yolo', config, { logger });
    await detector.load();
  });
  after(() => detector.close());

  it('falls back to cpu with a warning when the configured provider is missing', () => {
    const warning = lines.find(
      (line) => line.level === 40 && /tensorrt.*not available.*cpu/.test(String(line.msg)),
    );
    assert.ok(warning, `no fallback warning in ${JSON.stringify(lines)}`);
  });

  it('feeds the image in (scores follow its brightness), names classes from the model metadata, and merges duplicates', async () => {
    const bright = await detector.detect(solidImage(128, 128, 204));
    assert.deepEqual(
      bright.map((d) => [d.label, Number(d.score.toFixed(2))]),
      [
        ['car', 0.9],
        ['person', 0.8],
      ],
    );
    const dark = await detector.detect(solidImage(128, 128, 0));
    assert.deepEqual(
      dark.map((d) => d.label),
      ['car'],
    );
  });

  it('maps boxes from the model input back to the image, through the letterbox', async () => {
    const [car] = (await detector.detect(solidImage(128, 128, 100))).filter((d) => d.label === 'car');
    assertBox(car?.box, [11 / 64, 24 / 64, 21 / 64, 32 / 64]);
    // 2:1 image: scaled to 64×32 and centred, so input y = 16 + 32 × image y.
    const [wideCar] = (await detector.detect(solidImage(128, 64, 100))).filter((d) => d.label === 'car');
    assertBox(wideCar?.box, [11 / 64, (24 - 16) / 32, 21 / 64, (32 - 16) / 32]);
  });
});

describe('onnx detector with a YOLOv5-layout model without class names', () => {
  it('reads the v5 layout and falls back to COCO names for 80 classes', async () => {
    const { logger } = memoryLogger();
    const config = { type: 'onnx', model_path: v5CocoModel, execution_provider: 'cpu' } as const;
    const detector = createDetector('yolo5', config, { logger });
    try {
      await detector.load();
      const detections = await detector.detect(gradientImage(96, 96));
      assert.deepEqual(
        detections.map((d) => [d.label, Number(d.score.toFixed(2))]),
        [['dog', 0.8]],
      );
      assertBox(detections[0]?.box, [0.25, 0.25, 0.75, 0.75]);
    } finally {
      await detector.close();
    }
  });

  it('rejects a missing model file naming the config field', async () => {
    const { logger } = memoryLogger();
    const config = {
      type: 'onnx',
      model_path: join(dir, 'missing.onnx'),
      execution_provider: 'cpu',
    } as const;
    const detector = createDetector('yolo', config, { logger });
    try {
      await assert.rejects(
        detector.load(),
        /detector 'yolo' \(onnx\): cannot load ONNX model .*missing\.onnx.*model_path/,
      );
    } finally {
      await detector.close();
    }
  });
});

function assertBox(actual: readonly number[] | undefined, expected: readonly number[]): void {
  assert.ok(actual, 'no box');
  actual.forEach((value, i) => {
    assert.ok(Math.abs(value - (expected[i] ?? Number.NaN)) < 1e-4, `box ${actual} != ${expected}`);
  });
}
