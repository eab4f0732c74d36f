import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbImage } from '../../../../base/image/rgbImage';
import type { NormalizedBox } from '../../../../models/types';
import {
  defaultSnapshotScore,
  ObjectTracker,
  type SnapshotCandidate,
  sharpness,
  touchesFrameEdge,
} from '../../../../runtime/pipeline/tracking/index';
import { detection, FRAME, OBJECTS } from './trackingKit';

const START = 1_700_000_000_000;
const FRAME_AREA = FRAME.width * FRAME.height;

/** A gray image with a black-and-white checkerboard of `cell`-pixel squares inside `box`. */
function checkerboard(width: number, height: number, box: NormalizedBox, cell: number): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = Math.floor(box[1] * height); y < Math.floor(box[3] * height); y++) {
    for (let x = Math.floor(box[0] * width); x < Math.floor(box[2] * width); x++) {
      const value = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 0 : 255;
      data.fill(value, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height };
}

/** `image` blurred with a (2r+1)² box filter. */
function boxBlur(image: RgbImage, radius: number): RgbImage {
  const { width, height } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let channel = 0; channel < 3; channel++) {
        let sum = 0;
        let count = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const sx = Math.min(width - 1, Math.max(0, x + dx));
            const sy = Math.min(height - 1, Math.max(0, y + dy));
            sum += image.data[(sy * width + sx) * 3 + channel] ?? 0;
            count++;
          }
        }
        data[(y * width + x) * 3 + channel] = Math.round(sum / count);
      }
    }
  }
  return { data, width, height };
}

function candidate(overrides: Partial<SnapshotCandidate>): SnapshotCandidate {
  return {
    timestamp: 0,
    box: [0.2, 0.2, 0.4, 0.6],
    score: 0.8,
    area: 0.08 * FRAME_AREA,
    sharpness: 100,
    ...overrides,
  };
}

describe('sharpness', () => {
  const box: NormalizedBox = [0.25, 0.25, 0.75, 0.75];

  it('is 0 on a flat crop and higher for crisp detail than for the same detail blurred', () => {
    const flat: RgbImage = { data: new Uint8Array(160 * 120 * 3).fill(90), width: 160, height: 120 };
    const crisp = checkerboard(160, 120, box, 4);
    const blurred = boxBlur(crisp, 2);
    assert.equal(sharpness(flat, box), 0);
    const crispValue = sharpness(crisp, box);
    const blurredValue = sharpness(blurred, box);
    assert.ok(crispValue > 1000, `crisp ${crispValue}`);
    assert.ok(blurredValue < crispValue / 4, `blurred ${blurredValue} vs crisp ${crispValue}`);
  });

  it('downsamples large crops and still tells crisp from blurred', () => {
    const crisp = checkerboard(800, 600, box, 8);
    const blurred = boxBlur(crisp, 6);
    assert.ok(sharpness(crisp, box) > 4 * sharpness(blurred, box));
  });

  it('is 0 for a box too small to measure', () => {
    const image = checkerboard(100, 100, [0, 0, 1, 1], 1);
    assert.equal(sharpness(image, [0.5, 0.5, 0.51, 0.51]), 0);
  });
});

describe('defaultSnapshotScore', () => {
  const base = defaultSnapshotScore(candidate({}), FRAME_AREA);

  it('prefers larger, higher-scoring and sharper candidates', () => {
    assert.ok(defaultSnapshotScore(candidate({ area: 0.16 * FRAME_AREA }), FRAME_AREA) > base);
    assert.ok(defaultSnapshotScore(candidate({ score: 0.9 }), FRAME_AREA) > base);
    assert.ok(defaultSnapshotScore(candidate({ sharpness: 400 }), FRAME_AREA) > base);
    assert.ok(defaultSnapshotScore(candidate({ sharpness: 0 }), FRAME_AREA) < base);
  });

  it('prefers a box clear of the frame edge over a somewhat larger one cut by it', () => {
    const cut = candidate({ box: [0, 0.2, 0.25, 0.6], area: 0.1 * FRAME_AREA });
    assert.equal(touchesFrameEdge(cut.box), true);
    assert.equal(touchesFrameEdge(candidate({}).box), false);
    assert.ok(defaultSnapshotScore(cut, FRAME_AREA) < base);
  });
});

describe('ObjectTracker best snapshot', () => {
  it('moves the best snapshot to a sharper frame of the same box and reports it once', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const box: NormalizedBox = [0.3, 0.2, 0.5, 0.8];
    const crisp = checkerboard(320, 180, box, 3);
    const blurred = boxBlur(crisp, 3);
    const images = [blurred, blurred, crisp, blurred, crisp];
    const changedOn: number[] = [];
    for (const [frame, image] of images.entries()) {
      const update = tracker.update([detection('person', 0.3, 0.2, 0.2, 0.6)], START + frame * 200, {
        image,
      });
      if (update.bestChanged.length > 0) changedOn.push(frame);
      assert.equal(tracker.tracks[0]?.bestChanged, update.bestChanged.length > 0);
    }
    assert.deepEqual(changedOn, [0, 2]);
    const best = tracker.tracks[0]?.best;
    assert.equal(best?.timestamp, START + 400);
    assert.ok(Math.abs((best?.area ?? 0) - 0.2 * 0.6 * FRAME_AREA) < 1e-6);
    assert.ok((best?.sharpness ?? 0) > 0);
  });

  it('takes a larger sighting as it comes closer, but not one cut by the frame edge', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const sizes = [0.2, 0.25, 0.3, 0.3];
    const changedOn: number[] = [];
    for (const [frame, size] of sizes.entries()) {
      const update = tracker.update([detection('person', 0.4, 0.1, size / 2, size)], START + frame * 200);
      if (update.bestChanged.length > 0) changedOn.push(frame);
    }
    // Bigger still, but its box now runs into the bottom edge.
    const cut = tracker.update([detection('person', 0.4, 0.45, 0.15, 0.55)], START + 800);
    assert.equal(tracker.tracks.length, 1);
    assert.deepEqual(changedOn, [0, 1, 2]);
    assert.equal(cut.bestChanged.length, 0);
    assert.equal(tracker.tracks[0]?.best.timestamp, START + 400);
  });

  it('reports a better snapshot of a confirmed object as an update, at most once per interval', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, reportMoveIou: 0 });
    const updatedOn: number[] = [];
    for (let frame = 0; frame < 12; frame++) {
      // Grows 4 % a frame about a fixed centre: a better snapshot each frame, never "moved".
      const half = 0.1 * 1.04 ** frame;
      const box = detection('person', 0.5 - half / 2, 0.5 - half, half, half * 2);
      if (tracker.update([box], START + frame * 200).updated.length > 0) updatedOn.push(frame);
    }
    assert.deepEqual(updatedOn, [6, 11]);
  });
});
