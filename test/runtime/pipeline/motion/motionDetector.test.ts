import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MotionConfig } from '../../../../runtime/config/schema/camera';
import { MotionDetector } from '../../../../runtime/pipeline/motion/motionDetector';
import type { MotionResult } from '../../../../runtime/pipeline/types';
import {
  boxesAgree,
  brightened,
  fillRect,
  frameAt,
  HEIGHT,
  motionConfig,
  noisy,
  random,
  shiftRect,
  texturedScene,
  toPixels,
  WIDTH,
} from './syntheticScene';

const WARM_UP_FRAMES = 30;
const SQUARE = 48;

/** A scene, a noise source and a detector that has watched the still scene for a while. */
function warmedUp(overrides: Partial<MotionConfig> = {}, scene = texturedScene()) {
  const next = random(99);
  const detector = new MotionDetector(motionConfig(overrides), WIDTH, HEIGHT);
  let seq = 0;
  const warmUp: MotionResult[] = [];
  for (; seq < WARM_UP_FRAMES; seq++) warmUp.push(detector.detect(frameAt(noisy(scene, next), seq)));
  /** Feeds the next frame: the scene with noise, then whatever `paint` adds. */
  const step = (paint: (data: Buffer) => void = () => undefined, base = scene): MotionResult => {
    const data = noisy(base, next);
    paint(data);
    return detector.detect(frameAt(data, seq++));
  };
  return { detector, step, warmUp, scene };
}

function pixelBoxes(result: MotionResult): [number, number, number, number][] {
  return result.regions.map((r) => toPixels(r.box));
}

describe('MotionDetector', () => {
  test('a still scene with sensor noise gives no regions, not even while learning', () => {
    const { step, warmUp } = warmedUp();
    const results = [...warmUp, ...Array.from({ length: 20 }, () => step())];
    assert.deepEqual(
      results.filter((r) => r.regions.length > 0 || r.active || r.globalChange),
      [],
    );
  });

  test('a moving square gives one region around it, at its position in every frame', () => {
    const { step } = warmedUp();
    for (let k = 0; k < 12; k++) {
      const x = 96 + 12 * k;
      const result = step((data) => fillRect(data, x, 152, SQUARE, SQUARE, 20));
      assert.equal(result.regions.length, 1, `frame ${k}: ${JSON.stringify(pixelBoxes(result))}`);
      const [box] = pixelBoxes(result);
      assert.ok(boxesAgree(box ?? [], [x, 152, x + SQUARE, 152 + SQUARE], 4), `frame ${k}: box ${box}`);
      assert.equal(result.regions[0]?.area, (SQUARE / 4) ** 2, 'every working pixel of the square moved');
      assert.deepEqual([result.active, result.globalChange], [true, false]);
    }
    const after = step();
    assert.deepEqual(after.regions, [], 'no ghost is left where the square was');
  });

  test('an object that stops is motion for some seconds, then becomes background', () => {
    const { step } = warmedUp();
    const parked = Array.from({ length: 80 }, () =>
      step((data) => fillRect(data, 300, 152, SQUARE, SQUARE, 20)),
    );
    const firstQuiet = parked.findIndex((r) => r.regions.length === 0);
    assert.ok(firstQuiet >= 30 && firstQuiet <= 60, `absorbed after ${firstQuiet} frames`);
    assert.ok(parked.slice(firstQuiet).every((r) => r.regions.length === 0));
    assert.deepEqual(pixelBoxes(parked[0] as MotionResult), [[300, 152, 348, 200]]);
  });

  test('the ghost of an object that was in view at start fades', () => {
    const scene = texturedScene();
    const next = random(5);
    const detector = new MotionDetector(motionConfig(), WIDTH, HEIGHT);
    const results: MotionResult[] = [];
    for (let seq = 0; seq < 70; seq++) {
      const data = noisy(scene, next);
      if (seq < 10) fillRect(data, 300, 152, SQUARE, SQUARE, 20);
      results.push(detector.detect(frameAt(data, seq)));
    }
    assert.deepEqual(
      pixelBoxes(results[10] as MotionResult),
      [[300, 152, 348, 200]],
      'the ghost is where it was',
    );
    const firstQuiet = results.findIndex((r, seq) => seq > 10 && r.regions.length === 0);
    assert.ok(firstQuiet > 10 && firstQuiet <= 60, `ghost gone at frame ${firstQuiet}`);
    assert.ok(results.slice(firstQuiet).every((r) => r.regions.length === 0));
  });

  test('movement inside a mask polygon is ignored; the same movement outside it is found', () => {
    const mask = [
      [
        [0.1, 0.3],
        [0.5, 0.3],
        [0.5, 0.8],
        [0.1, 0.8],
      ] as [number, number][],
    ];
    const { step } = warmedUp({ mask });
    for (let k = 0; k < 10; k++) {
      const inside = step((data) => fillRect(data, 96 + 12 * k, 152, SQUARE, SQUARE, 20));
      assert.deepEqual(inside.regions, [], `frame ${k} inside the mask`);
    }
    for (let k = 0; k < 5; k++) {
      const x = 400 + 12 * k;
      const both = step((data) => {
        fillRect(data, 96 + 12 * k, 152, SQUARE, SQUARE, 20);
        fillRect(data, x, 152, SQUARE, SQUARE, 20);
      });
      assert.equal(both.regions.length, 1);
      assert.ok(boxesAgree(pixelBoxes(both)[0] ?? [], [x, 152, x + SQUARE, 152 + SQUARE], 4));
    }
  });

  test('a global brightness jump is a global change with no regions, and the detector settles', () => {
    const { step, scene } = warmedUp();
    const bright = brightened(scene, 80);
    const jump = step(undefined, bright);
    assert.deepEqual(jump, { regions: [], active: false, globalChange: true });
    for (let k = 0; k < 5; k++) {
      assert.deepEqual(
        step(undefined, bright),
        { regions: [], active: false, globalChange: false },
        `frame ${k}`,
      );
    }
    // Motion in the new lighting is found again, where it is.
    const moving = step((data) => fillRect(data, 300, 200, SQUARE, SQUARE, 20), bright);
    assert.deepEqual(pixelBoxes(moving), [[300, 200, 348, 248]]);
  });

  test('exposure settling over several frames after a global change stays a global change', () => {
    const { step, scene } = warmedUp();
    const results = [40, 80, 80, 80].map((delta) => step(undefined, brightened(scene, delta)));
    assert.deepEqual(
      results.map((r) => [r.globalChange, r.regions.length]),
      [
        [true, 0],
        [true, 0],
        [false, 0],
        [false, 0],
      ],
    );
  });

  test('a large object (40 % of the view) is motion, not a global change', () => {
    const { step } = warmedUp();
    const result = step((data) => fillRect(data, 0, 0, 256, 360, 10));
    assert.equal(result.globalChange, false);
    assert.deepEqual(pixelBoxes(result), [[0, 0, 256, 360]]);
  });

  test('active stays on for cooldown_seconds after the last frame with regions, by frame time', () => {
    const { step } = warmedUp({ cooldown_seconds: 2 });
    const moving = Array.from({ length: 5 }, (_, k) =>
      step((data) => fillRect(data, 100 + 12 * k, 100, SQUARE, SQUARE, 20)),
    );
    const still = Array.from({ length: 14 }, () => step());
    assert.ok(moving.every((r) => r.regions.length === 1 && r.active));
    assert.ok(still.every((r) => r.regions.length === 0));
    // 200 ms frames: 9 quiet frames are within 2 s of the last motion (200..1800 ms), the 10th is at 2 s.
    assert.deepEqual(
      still.map((r) => r.active),
      [...Array<boolean>(9).fill(true), ...Array<boolean>(5).fill(false)],
    );
  });

  test('without a cooldown, active follows the regions frame by frame', () => {
    const { step } = warmedUp({ cooldown_seconds: 0 });
    const results = [
      step((data) => fillRect(data, 100, 100, SQUARE, SQUARE, 20)),
      step(),
      step((data) => fillRect(data, 300, 100, SQUARE, SQUARE, 20)),
      step(),
    ];
    assert.deepEqual(
      results.map((r) => r.active),
      [true, false, true, false],
    );
  });

  test('contour_area (pixels at detect size) drops blobs smaller than it', () => {
    const paint = (data: Buffer): void => {
      for (const [x, y] of [
        [40, 40],
        [560, 40],
        [40, 300],
      ] as const) {
        fillRect(data, x, y, 8, 8, 0); // 64 frame pixels: 2×2 working pixels
      }
      fillRect(data, 400, 240, 40, 40, 0); // 1,600 frame pixels: 10×10 working pixels
    };
    const count = (contourArea: number): number[] =>
      warmedUp({ contour_area: contourArea })
        .step(paint)
        .regions.map((r) => r.area)
        .sort((a, b) => a - b);
    assert.deepEqual(count(0), [4, 4, 4, 100]);
    assert.deepEqual(count(64), [4, 4, 4, 100]);
    assert.deepEqual(count(65), [100]);
    assert.deepEqual(count(1600), [100]);
    assert.deepEqual(count(1601), []);
  });

  test('update() changes the threshold from the next frame', () => {
    const { detector, step } = warmedUp({ threshold: 30 });
    const faint = (k: number) => (data: Buffer) => shiftRect(data, 100 + 12 * k, 100, SQUARE, SQUARE, 20);
    assert.deepEqual(step(faint(0)).regions, [], 'a change of 20 is below threshold 30');
    detector.update(motionConfig({ threshold: 12 }));
    assert.deepEqual(pixelBoxes(step(faint(1))), [[112, 100, 160, 148]]);
    detector.update(motionConfig({ threshold: 25 }));
    assert.deepEqual(step(faint(2)).regions, []);
  });

  test('update() with a new mask re-rasterises it', () => {
    const { detector, step } = warmedUp();
    const square = (k: number) => (data: Buffer) => fillRect(data, 400 + 12 * k, 100, SQUARE, SQUARE, 20);
    assert.equal(step(square(0)).regions.length, 1);
    detector.update(
      motionConfig({
        mask: [
          [
            [0.5, 0],
            [1, 0],
            [1, 1],
            [0.5, 1],
          ],
        ],
      }),
    );
    assert.deepEqual(step(square(1)).regions, []);
    detector.update(motionConfig({ mask: [] }));
    assert.equal(step(square(2)).regions.length, 1);
  });

  test('enabled: false reports nothing and ends motion at once; re-enabling re-learns the scene', () => {
    const { detector, step, scene } = warmedUp({ cooldown_seconds: 10 });
    assert.equal(step((data) => fillRect(data, 100, 100, SQUARE, SQUARE, 20)).active, true);
    detector.update(motionConfig({ enabled: false, cooldown_seconds: 10 }));
    const disabled = step((data) => fillRect(data, 200, 100, SQUARE, SQUARE, 20));
    assert.deepEqual(disabled, { regions: [], active: false, globalChange: false });
    detector.update(motionConfig({ enabled: true, cooldown_seconds: 10 }));
    // The lights went on while detection was off: the first frame back is the new background.
    const bright = brightened(scene, 60);
    assert.deepEqual(step(undefined, bright), { regions: [], active: false, globalChange: false });
    assert.deepEqual(step(undefined, bright).regions, []);
    assert.equal(step((data) => fillRect(data, 300, 100, SQUARE, SQUARE, 20), bright).regions.length, 1);
  });

  test('improve_contrast finds a faint change in a dark scene that the plain threshold misses', () => {
    const dark = texturedScene(8, 40);
    const faint = (data: Buffer) => shiftRect(data, 200, 120, SQUARE, SQUARE, 14);
    assert.deepEqual(warmedUp({}, dark).step(faint).regions, []);
    const stretched = warmedUp({ improve_contrast: true }, dark);
    assert.deepEqual(
      stretched.warmUp.filter((r) => r.regions.length > 0),
      [],
      'noise is not stretched into motion',
    );
    assert.deepEqual(pixelBoxes(stretched.step(faint)), [[200, 120, 248, 168]]);
  });

  test('a new frame size re-learns; a short buffer is a clear error', () => {
    const detector = new MotionDetector(motionConfig(), WIDTH, HEIGHT);
    detector.detect(frameAt(texturedScene(), 0));
    const small = Buffer.alloc(320 * 180 * 3, 90);
    assert.deepEqual(detector.detect(frameAt(small, 1, 320, 180)).regions, []);
    assert.deepEqual(detector.workingSize, { width: 160, height: 90 });
    assert.throws(
      () => detector.detect(frameAt(Buffer.alloc(1000), 2)),
      /frame 2 has 1000 bytes, expected 691200 for 640×360 rgb24/,
    );
  });
});
