import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { iou } from '../../../../base/geometry';
import { createDetector } from '../../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../../hal/accel/types';
import type { Frame } from '../../../../hal/camera/types';
import { modelManifest } from '../../../../models/registry';
import type { Detection, NormalizedBox } from '../../../../models/types';
import { cropRgb } from '../../../../runtime/pipeline/cropFrame';
import { detectionRegions, mapToFrame } from '../../../../runtime/pipeline/regions/index';
import { VTEST_SIZE, vtestFrame } from '../../../fixtures/vtestFrame';
import { memoryLogger } from '../../../helpers/memoryLogger';

/** A distant walker in vtest.avi at 15 s: 16 × 39 px at (70, 89), top left of the pavement. */
const PERSON: NormalizedBox = [70 / 768, 89 / 576, 86 / 768, 128 / 576];

/** The best person score among detections on the walker (IoU ≥ 0.4 with its box), 0 if none. */
function scoreOn(detections: readonly Detection[]): number {
  return Math.max(
    0,
    ...detections.filter((d) => d.label === 'person' && iou(d.box, PERSON) >= 0.4).map((d) => d.score),
  );
}

describe('a distant person on a real frame, through a model-sized region', () => {
  let detector: ObjectDetector;
  let frame: Frame;
  const model = modelManifest('centernet');

  before(async () => {
    frame = vtestFrame(15);
    detector = createDetector(
      'default',
      { type: 'wasm', model: 'centernet' },
      { logger: memoryLogger().logger },
    );
    await detector.load();
  });

  after(() => detector?.close());

  it('is seen at native scale in its region and far less surely in the squeezed whole frame', async () => {
    // Motion around the walker, grown the way the pipeline does it.
    const regions = detectionRegions([{ box: PERSON, area: 300 }], [], VTEST_SIZE, model.inputSize);
    assert.equal(regions.length, 1);
    const region = regions[0];
    assert.ok(region);
    assert.deepEqual([region.width, region.height], [model.inputSize, model.inputSize]);
    const inRegion = scoreOn(mapToFrame(await detector.detect(cropRgb(frame, region)), region, VTEST_SIZE));
    const inWholeFrame = scoreOn(await detector.detect(frame));
    // Measured with CenterNet (512): 0.67 in the region, 0.40 in the whole frame (768 → 512).
    assert.ok(inRegion >= 0.55, `region score ${inRegion}`);
    assert.ok(inWholeFrame <= inRegion - 0.15, `whole frame ${inWholeFrame} vs region ${inRegion}`);
  });
});
