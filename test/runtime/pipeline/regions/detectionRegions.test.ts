import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedBox } from '../../../../models/types';
import {
  detectionRegions,
  isDueForRecheck,
  trackRegionBoxes,
} from '../../../../runtime/pipeline/regions/index';
import type { DetectionRegion, FrameSize, MotionRegion } from '../../../../runtime/pipeline/types';

const HD: FrameSize = { width: 1280, height: 720 };

function motion(box: NormalizedBox): MotionRegion {
  return { box, area: 100 };
}

/** Whether the region contains the normalised box (in pixels of `frame`). */
function covers(region: DetectionRegion, box: NormalizedBox, frame: FrameSize): boolean {
  return (
    region.x <= box[0] * frame.width &&
    region.y <= box[1] * frame.height &&
    region.x + region.width >= box[2] * frame.width &&
    region.y + region.height >= box[3] * frame.height
  );
}

function insideFrame(region: DetectionRegion, frame: FrameSize): boolean {
  return (
    region.x >= 0 &&
    region.y >= 0 &&
    region.x + region.width <= frame.width &&
    region.y + region.height <= frame.height
  );
}

describe('detectionRegions', () => {
  it('returns nothing without motion or tracked objects', () => {
    assert.deepEqual(detectionRegions([], [], HD, 320), []);
  });

  it('puts one model-sized square around a small bit of motion', () => {
    // 64 × 72 px of motion centred on (640, 396).
    const regions = detectionRegions([motion([0.475, 0.5, 0.525, 0.6])], [], HD, 320);
    assert.deepEqual(regions, [{ x: 480, y: 236, width: 320, height: 320, reason: 'motion' }]);
  });

  it('gives a distant person (30 × 80 px in 768 × 576) a region of the model input size, centred on it', () => {
    const pal = { width: 768, height: 576 };
    const person: NormalizedBox = [400 / 768, 200 / 576, 430 / 768, 280 / 576];
    for (const inputSize of [320, 416, 512]) {
      const regions = detectionRegions([motion(person)], [], pal, inputSize);
      assert.equal(regions.length, 1, `input ${inputSize}`);
      const region = regions[0] as DetectionRegion;
      // Not blown up: the person reaches the model at its own scale.
      assert.deepEqual([region.width, region.height], [inputSize, inputSize]);
      assert.ok(covers(region, person, pal) && insideFrame(region, pal));
      // Centred on the motion (415, 240), moved into the frame where that would leave it.
      assert.equal(region.x, Math.round(415 - inputSize / 2));
      assert.equal(region.y, Math.max(0, Math.round(240 - inputSize / 2)));
    }
  });

  it('clamps a distant person’s region at the frame’s edges without shrinking it', () => {
    const pal = { width: 768, height: 576 };
    const corners: NormalizedBox[] = [
      [5 / 768, 4 / 576, 35 / 768, 84 / 576],
      [730 / 768, 490 / 576, 760 / 768, 570 / 576],
    ];
    const regions = corners.map((box) => detectionRegions([motion(box)], [], pal, 416)[0] as DetectionRegion);
    assert.deepEqual(
      regions.map((r) => [r.x, r.y, r.width, r.height]),
      [
        [0, 0, 416, 416],
        [352, 160, 416, 416],
      ],
    );
    for (const [i, box] of corners.entries()) assert.ok(covers(regions[i] as DetectionRegion, box, pal));
  });

  it('grows the square for large motion and clamps it into the frame', () => {
    // 320 × 360 px of motion in the bottom-right corner; grown 1.25× the square is 450 px.
    const regions = detectionRegions([motion([0.75, 0.5, 1, 1])], [], HD, 320);
    assert.deepEqual(regions, [{ x: 830, y: 270, width: 450, height: 450, reason: 'motion' }]);
  });

  it('uses the frame’s short side when the model input is larger', () => {
    const regions = detectionRegions([motion([0.1, 0.1, 0.15, 0.2])], [], { width: 640, height: 360 }, 512);
    assert.deepEqual(regions, [{ x: 0, y: 0, width: 360, height: 360, reason: 'motion' }]);
  });

  it('covers tracked objects, and motion already inside their region adds none', () => {
    const person: NormalizedBox = [0.2, 0.3, 0.25, 0.6];
    const regions = detectionRegions([motion([0.21, 0.4, 0.24, 0.5])], [person], HD, 320);
    assert.equal(regions.length, 1);
    assert.equal(regions[0]?.reason, 'tracked');
    assert.ok(covers(regions[0] as DetectionRegion, person, HD));
  });

  it('gives motion far from tracked objects its own region', () => {
    const person: NormalizedBox = [0.05, 0.3, 0.1, 0.6];
    const far: NormalizedBox = [0.8, 0.1, 0.85, 0.2];
    const regions = detectionRegions([motion(far)], [person], HD, 320);
    assert.deepEqual(
      regions.map((region) => region.reason),
      ['tracked', 'motion'],
    );
    assert.ok(covers(regions[0] as DetectionRegion, person, HD));
    assert.ok(covers(regions[1] as DetectionRegion, far, HD));
  });

  it('clusters nearby bits of motion into one region and keeps distant ones apart', () => {
    const arm: NormalizedBox = [0.4, 0.4, 0.42, 0.45];
    const leg: NormalizedBox = [0.45, 0.55, 0.47, 0.6];
    const far: NormalizedBox = [0.9, 0.05, 0.95, 0.1];
    const regions = detectionRegions([motion(arm), motion(leg), motion(far)], [], HD, 320);
    assert.equal(regions.length, 2);
    const near = regions.find((region) => covers(region, arm, HD));
    assert.ok(near && covers(near, leg, HD));
    assert.ok(regions.some((region) => covers(region, far, HD)));
  });

  it('merges two tracked objects’ regions that overlap a lot into one square covering both', () => {
    const a: NormalizedBox = [0.4, 0.4, 0.45, 0.6];
    const b: NormalizedBox = [0.5, 0.4, 0.55, 0.6];
    const regions = detectionRegions([], [a, b], HD, 320);
    // Two 320 squares 128 px apart merge into one of 448 (≤ 1.5 × 320).
    assert.deepEqual(regions, [{ x: 384, y: 136, width: 448, height: 448, reason: 'tracked' }]);
    assert.ok(covers(regions[0] as DetectionRegion, a, HD) && covers(regions[0] as DetectionRegion, b, HD));
  });

  it('keeps every region square and inside the frame', () => {
    const boxes: NormalizedBox[] = [
      [0, 0, 0.05, 0.05],
      [0.97, 0.95, 1, 1],
      [0.6, 0, 0.62, 0.02],
    ];
    const regions = detectionRegions(boxes.map(motion), [], HD, 320);
    assert.equal(regions.length, 3);
    for (const region of regions) {
      assert.equal(region.width, region.height);
      assert.ok(insideFrame(region, HD), JSON.stringify(region));
    }
    for (const box of boxes) assert.ok(regions.some((region) => covers(region, box, HD)));
  });

  it('falls back to the whole frame when regions would be too many or cover most of it', () => {
    const scattered: NormalizedBox[] = [
      [0.02, 0.02, 0.05, 0.05],
      [0.95, 0.02, 0.98, 0.05],
      [0.02, 0.95, 0.05, 0.98],
      [0.95, 0.95, 0.98, 0.98],
      [0.5, 0.5, 0.52, 0.52],
    ];
    const whole = [{ x: 0, y: 0, width: 1280, height: 720, reason: 'full' }];
    assert.deepEqual(detectionRegions(scattered.map(motion), [], HD, 320), whole);
    assert.deepEqual(detectionRegions([motion([0.1, 0.1, 0.9, 0.9])], [], HD, 320), whole);
    assert.equal(detectionRegions(scattered.slice(0, 4).map(motion), [], HD, 320).length, 4);
  });

  it('tiles the frame at native scale instead of squeezing it when distant people fill it with regions', () => {
    // Three 20–30 px wide people far apart in 768 × 576 at a 512 input: their regions cover most
    // of the frame, but squeezed 1.5× they would be 13–20 px wide; four tiles cost no more calls.
    const pal = { width: 768, height: 576 };
    const people: NormalizedBox[] = [
      [70 / 768, 89 / 576, 86 / 768, 128 / 576],
      [589 / 768, 223 / 576, 619 / 768, 315 / 576],
      [389 / 768, 197 / 576, 416 / 768, 275 / 576],
      [711 / 768, 110 / 576, 727 / 768, 174 / 576],
    ];
    const regions = detectionRegions([], people, pal, 512);
    assert.ok(regions.length > 1 && regions.length <= 4, JSON.stringify(regions));
    for (const region of regions) assert.deepEqual([region.width, region.height], [512, 512]);
    for (const person of people) assert.ok(regions.some((region) => covers(region, person, pal)));
    // Near people (big boxes) survive the squeeze: one whole-frame look.
    const near: NormalizedBox[] = [
      [0.05, 0.2, 0.2, 0.9],
      [0.75, 0.2, 0.9, 0.9],
    ];
    assert.deepEqual(detectionRegions([], near, pal, 512), [
      { x: 0, y: 0, width: 768, height: 576, reason: 'full' },
    ]);
  });

  it('covers an object longer than the frame’s short side with a row of squares', () => {
    const frame = { width: 2000, height: 400 };
    const bus: NormalizedBox = [0.1, 0.3, 0.9, 0.7];
    const regions = detectionRegions([motion(bus)], [], frame, 320, { maxRegions: 10, fullFrameCoverage: 2 });
    assert.equal(regions.length, 5);
    for (const region of regions) {
      assert.deepEqual([region.width, region.height, region.y], [400, 400, 0]);
      assert.ok(insideFrame(region, frame));
    }
    const xs = regions.map((region) => region.x).sort((a, b) => a - b);
    assert.deepEqual(xs, [0, 400, 800, 1200, 1600]);
  });
});

describe('stationary re-checks', () => {
  const track = (serial: number, stationary: boolean, box: NormalizedBox) => ({
    serial,
    stationary,
    predictedBox: () => box,
  });

  it('re-checks a stationary object once every interval, staggered by serial', () => {
    const due = (serial: number) =>
      Array.from({ length: 10 }, (_, frame) => frame).filter((frame) =>
        isDueForRecheck(track(serial, true, [0, 0, 1, 1]), frame, 5),
      );
    assert.deepEqual(due(1), [4, 9]);
    assert.deepEqual(due(2), [3, 8]);
    assert.deepEqual(due(5), [0, 5]);
    assert.equal(isDueForRecheck(track(3, true, [0, 0, 1, 1]), 7, 1), true);
  });

  it('gives moving objects’ predicted boxes every frame and stationary ones only when due', () => {
    const moving = track(1, false, [0.1, 0.1, 0.2, 0.2]);
    const parked = track(2, true, [0.5, 0.5, 0.7, 0.7]);
    assert.deepEqual(trackRegionBoxes([moving, parked], 0, 7, 10), [[0.1, 0.1, 0.2, 0.2]]);
    assert.deepEqual(trackRegionBoxes([moving, parked], 0, 8, 10), [
      [0.1, 0.1, 0.2, 0.2],
      [0.5, 0.5, 0.7, 0.7],
    ]);
  });
});
