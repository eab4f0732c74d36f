import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Frame } from '../../../../hal/camera/types';
import { MotionDetector } from '../../../../runtime/pipeline/motion/motionDetector';
import type { MotionResult } from '../../../../runtime/pipeline/types';
import {
  FRAME_MS,
  fillRect,
  frameAt,
  HEIGHT,
  motionConfig,
  noisy,
  random,
  texturedScene,
  WIDTH,
} from './syntheticScene';

/**
 * The luma plane of a grey rgb24 scene (every pixel has R = G = B), in the limited range a YUV
 * camera frame has: 16 is black, 235 white.
 */
function lumaOf(rgb: Buffer): Buffer {
  const luma = Buffer.alloc(WIDTH * HEIGHT);
  for (let i = 0; i < luma.length; i++) luma[i] = Math.round(16 + ((rgb[3 * i] as number) * 219) / 255);
  return luma;
}

/** A frame that offers only its luma plane: reading `data` (a colour conversion) fails the test. */
function lumaOnlyFrame(luma: Buffer, seq: number): Frame {
  return {
    get data(): Buffer {
      throw new Error('motion converted the frame to colour');
    },
    luma,
    width: WIDTH,
    height: HEIGHT,
    format: 'rgb24',
    timestamp: 1_000_000 + seq * FRAME_MS,
    seq,
  };
}

describe('MotionDetector on YUV frames', () => {
  test('reads the luma plane only, and finds the same motion as in the same frames as rgb24', () => {
    const config = motionConfig();
    const fromRgb = new MotionDetector(config, WIDTH, HEIGHT);
    const fromLuma = new MotionDetector(config, WIDTH, HEIGHT);
    const scene = texturedScene();
    const next = random(5);
    const pairs: Array<[MotionResult, MotionResult]> = [];
    for (let seq = 0; seq < 40; seq++) {
      const data = noisy(scene, next);
      // After the warm-up a darker square crosses the view.
      if (seq >= 30) fillRect(data, 80 + 16 * (seq - 30), 150, 48, 48, 20);
      pairs.push([fromRgb.detect(frameAt(data, seq)), fromLuma.detect(lumaOnlyFrame(lumaOf(data), seq))]);
    }
    const moving = pairs.slice(30);
    assert.ok(
      moving.every(([rgb]) => rgb.regions.length === 1),
      'the rgb24 path sees the square in every frame',
    );
    for (const [index, [rgb, luma]] of pairs.entries()) {
      assert.deepEqual(
        luma.regions.map((r) => r.box),
        rgb.regions.map((r) => r.box),
        `frame ${index}: the same regions from luma as from rgb24`,
      );
      assert.equal(luma.active, rgb.active);
    }
  });

  test('a luma plane shorter than the frame is refused, naming what was expected', () => {
    const detector = new MotionDetector(motionConfig(), WIDTH, HEIGHT);
    assert.throws(
      () => detector.detect(lumaOnlyFrame(Buffer.alloc(100), 0)),
      /expected 230400 for 640×360 luma \(Y plane\)/,
    );
  });
});
