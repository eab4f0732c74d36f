import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createDetector } from '../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../hal/accel/types';
import { COCO_LABELS } from '../../../models/cocoLabels';
import type { Detection } from '../../../models/types';
import { memoryLogger } from '../../helpers/memoryLogger';
import { detectorContract } from './detectorContract';
import { gradientImage, SAMPLE_REGIONS, sampleImage, samplesJpg, toRgb } from './fixtures/images';

const { logger } = memoryLogger();

detectorContract(
  'wasm',
  () => ({
    detector: createDetector('default', { type: 'wasm', model: 'centernet' }, { logger }),
    labels: COCO_LABELS,
  }),
  {
    images: async () => [
      await sampleImage(SAMPLE_REGIONS.seatedWoman),
      gradientImage(640, 360),
      await sampleImage(),
    ],
  },
);

describe('centernet on wasm finds people in real photos', () => {
  let detector: ObjectDetector;
  const people = (detections: Detection[], minScore = 0.3) =>
    detections.filter((d) => d.label === 'person' && d.score >= minScore);

  before(async () => {
    detector = createDetector('default', { type: 'wasm', model: 'centernet' }, { logger });
    await detector.load();
  });
  after(() => detector.close());

  for (const name of ['standingWoman', 'seatedWoman', 'manAtTable', 'womanOnStool'] as const) {
    it(`one person, tall and centred, in the ${name} photo`, async () => {
      const [best] = people(await detector.detect(await sampleImage(SAMPLE_REGIONS[name])), 0.4);
      assert.ok(best, `no person found in ${name}`);
      const [x1, y1, x2, y2] = best.box;
      assert.ok(y2 - y1 > 0.5, `person box ${best.box} is not tall`);
      assert.ok(x1 < 0.5 && x2 > 0.5, `person box ${best.box} is not around the middle`);
    });
  }

  it('several people, side by side, in the group photo', async () => {
    const found = people(await detector.detect(await sampleImage(SAMPLE_REGIONS.group)));
    assert.ok(found.length >= 4, `only ${found.length} people in the group photo`);
    const centres = found.map((d) => (d.box[0] + d.box[2]) / 2).sort();
    assert.ok(
      (centres.at(-1) ?? 0) - (centres[0] ?? 0) > 0.5,
      `people not spread across the photo: ${centres}`,
    );
  });

  it('people in the whole sample sheet', async () => {
    assert.ok(people(await detector.detect(await sampleImage())).length >= 5);
  });

  it('nobody in a crop of the ceiling or in a gradient', async () => {
    assert.deepEqual(people(await detector.detect(await sampleImage(SAMPLE_REGIONS.ceiling))), []);
    assert.deepEqual(people(await detector.detect(gradientImage(640, 360))), []);
  });

  it('maps boxes back through the letterbox onto a 16:9 frame', async () => {
    // The seated woman, scaled to 300×316 and pasted at (400, 20) on a grey 640×360 frame.
    const photo = await sharp(samplesJpg())
      .extract({ left: 165, top: 0, width: 150, height: 158 })
      .resize(300, 316)
      .toBuffer();
    const frame = await toRgb(
      sharp({
        create: { width: 640, height: 360, channels: 3, background: { r: 90, g: 90, b: 90 } },
      }).composite([{ input: photo, left: 400, top: 20 }]),
    );
    const [best] = people(await detector.detect(frame), 0.4);
    assert.ok(best, 'no person on the frame');
    const [x1, y1, x2, y2] = best.box;
    const tolerance = 0.05;
    assert.ok(x1 >= 400 / 640 - tolerance && x2 <= 700 / 640 + tolerance, `x ${x1}..${x2} outside the photo`);
    assert.ok(y1 >= 20 / 360 - tolerance && y2 <= 336 / 360 + tolerance, `y ${y1}..${y2} outside the photo`);
    assert.ok(x2 - x1 > 0.25, `box ${best.box} far narrower than the photo`);
  });
});
