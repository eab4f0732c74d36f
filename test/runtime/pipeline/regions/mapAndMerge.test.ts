import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detection, NormalizedBox } from '../../../../models/types';
import { mapToFrame, mergeDetections, regionToBox } from '../../../../runtime/pipeline/regions/index';
import type { DetectionRegion } from '../../../../runtime/pipeline/types';

const HD = { width: 1280, height: 720 };

function rounded(detections: readonly Detection[]): [string, number, number[]][] {
  return detections.map((d) => [d.label, d.score, d.box.map((v) => Number(v.toFixed(6)))]);
}

describe('mapToFrame', () => {
  it('turns region fractions into whole-frame fractions', () => {
    const region: DetectionRegion = { x: 320, y: 180, width: 320, height: 320, reason: 'motion' };
    const mapped = mapToFrame([{ label: 'person', score: 0.8, box: [0.5, 0.25, 0.75, 1] }], region, HD);
    // x: (320 + 160) / 1280, (320 + 240) / 1280; y: (180 + 80) / 720, (180 + 320) / 720.
    assert.deepEqual(rounded(mapped), [['person', 0.8, [0.375, 0.361111, 0.4375, 0.694444]]]);
  });

  it('is the identity for the whole-frame region, and clamps boxes to the frame', () => {
    const whole: DetectionRegion = { x: 0, y: 0, width: 1280, height: 720, reason: 'full' };
    const detections: Detection[] = [{ label: 'car', score: 0.6, box: [0.1, 0.2, 0.3, 0.4] }];
    assert.deepEqual(rounded(mapToFrame(detections, whole, HD)), [['car', 0.6, [0.1, 0.2, 0.3, 0.4]]]);
    const edge: DetectionRegion = { x: 960, y: 400, width: 320, height: 320, reason: 'motion' };
    const overhanging = mapToFrame([{ label: 'car', score: 0.6, box: [-0.1, 0.5, 1.2, 1.1] }], edge, HD);
    assert.deepEqual(rounded(overhanging), [['car', 0.6, [0.725, 0.777778, 1, 1]]]);
  });

  it('gives a region as a frame-normalised box', () => {
    const region: DetectionRegion = { x: 320, y: 180, width: 320, height: 320, reason: 'tracked' };
    assert.deepEqual(
      regionToBox(region, HD).map((v) => Number(v.toFixed(6))),
      [0.25, 0.25, 0.5, 0.694444],
    );
  });
});

describe('mergeDetections', () => {
  it('keeps the higher-scoring copy of an object seen by two overlapping regions', () => {
    const left: DetectionRegion = { x: 400, y: 200, width: 320, height: 320, reason: 'motion' };
    const right: DetectionRegion = { x: 560, y: 200, width: 320, height: 320, reason: 'tracked' };
    // The same person, seen from both regions (boxes differ by a pixel or two).
    const fromLeft = mapToFrame([{ label: 'person', score: 0.71, box: [0.55, 0.2, 0.8, 0.9] }], left, HD);
    const fromRight = mapToFrame([{ label: 'person', score: 0.84, box: [0.05, 0.2, 0.3, 0.91] }], right, HD);
    const merged = mergeDetections([...fromLeft, ...fromRight]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0]?.score, 0.84);
  });

  it('keeps different labels and separate objects, highest score first', () => {
    const all: Detection[] = [
      { label: 'person', score: 0.6, box: [0.1, 0.1, 0.2, 0.4] },
      { label: 'dog', score: 0.7, box: [0.1, 0.1, 0.2, 0.4] },
      { label: 'person', score: 0.9, box: [0.5, 0.1, 0.6, 0.4] },
      // IoU with the first person is (0.06 × 0.3) / (0.03 + 0.03 − 0.018) ≈ 0.43: a second person.
      { label: 'person', score: 0.5, box: [0.14, 0.1, 0.24, 0.4] },
      // IoU ≈ 0.82: the first person again.
      { label: 'person', score: 0.55, box: [0.11, 0.1, 0.21, 0.4] },
    ];
    assert.deepEqual(
      mergeDetections(all).map((d) => `${d.label} ${d.score}`),
      ['person 0.9', 'dog 0.7', 'person 0.6', 'person 0.5'],
    );
  });

  it('keeps one box per person where a box lies mostly inside another (vtest, frame 42)', () => {
    // Recorded from vtest at the defaults (pixels of the 768×576 frame, as fractions): two people
    // walking side by side, and a box around both, 72-76 % of either person's box.
    const px = (x1: number, y1: number, x2: number, y2: number): NormalizedBox => [
      x1 / 768,
      y1 / 576,
      x2 / 768,
      y2 / 576,
    ];
    const all: Detection[] = [
      { label: 'person', score: 0.55, box: px(569, 228, 615, 322) },
      { label: 'person', score: 0.78, box: px(562, 230, 594, 324) },
      { label: 'person', score: 0.76, box: px(592, 228, 624, 316) },
    ];
    // IoU of the box around both with either person is under 0.5: NMS alone kept all three.
    assert.deepEqual(
      mergeDetections(all).map((d) => d.score),
      [0.78, 0.76],
    );
  });

  it('keeps two people whose boxes overlap, as people walking side by side do', () => {
    const all: Detection[] = [
      { label: 'person', score: 0.8, box: [0.1, 0.1, 0.14, 0.3] },
      // A little over half of either box is shared.
      { label: 'person', score: 0.7, box: [0.116, 0.12, 0.156, 0.32] },
    ];
    assert.equal(mergeDetections(all).length, 2);
  });
});
