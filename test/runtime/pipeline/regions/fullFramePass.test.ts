import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from '../../../../hal/camera/types';
import { FullFramePass, fullFrameTiles } from '../../../../runtime/pipeline/regions/index';
import type { DetectionRegion, FrameSize } from '../../../../runtime/pipeline/types';

const PAL: FrameSize = { width: 768, height: 576 };

/** Whether every pixel of the frame lies in some tile. */
function coversFrame(tiles: readonly DetectionRegion[], frame: FrameSize): boolean {
  for (let y = 0; y < frame.height; y += 8) {
    for (let x = 0; x < frame.width; x += 8) {
      if (!tiles.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height)) return false;
    }
  }
  return true;
}

describe('fullFrameTiles', () => {
  it('cuts a 768×576 frame into four 512 px squares (model input) that cover it', () => {
    const tiles = fullFrameTiles(PAL, 512);
    assert.deepEqual(
      tiles.map((t) => [t.x, t.y, t.width, t.height]),
      [
        [0, 0, 512, 512],
        [256, 0, 512, 512],
        [0, 64, 512, 512],
        [256, 64, 512, 512],
      ],
    );
    assert.ok(coversFrame(tiles, PAL));
  });

  it('sizes tiles by the model input, not a constant', () => {
    const tiles = fullFrameTiles(PAL, 320);
    assert.equal(tiles.length, 6);
    for (const tile of tiles) assert.deepEqual([tile.width, tile.height], [320, 320]);
    assert.ok(coversFrame(tiles, PAL));
  });

  it('gives a frame no larger than the model input one whole-frame region', () => {
    assert.deepEqual(fullFrameTiles({ width: 320, height: 240 }, 416), [
      { x: 0, y: 0, width: 320, height: 240, reason: 'full' },
    ]);
  });

  it('grows the tiles of a large frame so there are at most six', () => {
    const frame = { width: 1920, height: 1080 };
    const tiles = fullFrameTiles(frame, 416);
    assert.ok(tiles.length <= 6, `${tiles.length} tiles`);
    assert.ok(coversFrame(tiles, frame));
    for (const tile of tiles) assert.ok(tile.x + tile.width <= 1920 && tile.y + tile.height <= 1080);
  });
});

describe('FullFramePass', () => {
  const everyFrame = (pass: FullFramePass, frames: number, busy = () => false) =>
    Array.from({ length: frames }, (_, n) => pass.tileFor(n * 200, busy(), false)?.x ?? null);

  it('looks at one tile per frame, every interval, starting at once', () => {
    const pass = new FullFramePass(2, PAL, 512);
    const xs = everyFrame(pass, 14);
    // Frames 0–3: the four tiles; the next pass is due 2 s (10 frames) after the first started.
    assert.deepEqual(xs, [0, 256, 0, 256, null, null, null, null, null, null, 0, 256, 0, 256]);
  });

  it('waits while the camera is busy, and is off at interval 0', () => {
    const waiting = new FullFramePass(2, PAL, 512);
    assert.deepEqual(
      everyFrame(waiting, 4, () => true),
      [null, null, null, null],
    );
    assert.deepEqual(
      everyFrame(new FullFramePass(0, PAL, 512), 20).filter((x) => x !== null),
      [],
    );
  });

  it('counts a frame whose regions cover everything as a pass', () => {
    const pass = new FullFramePass(2, PAL, 512);
    assert.equal(pass.tileFor(0, false, true), null);
    assert.equal(pass.tileFor(1000, false, false), null);
    assert.ok(pass.tileFor(2000, false, false));
  });

  /** A grey 768×576 frame with noise (luma plane), and optionally a darker figure at (x, y). */
  function scene(seed: number, figure?: { x: number; y: number }): Frame {
    const luma = new Uint8Array(PAL.width * PAL.height);
    let state = seed;
    for (let i = 0; i < luma.length; i++) {
      state = (state * 1103515245 + 12345) >>> 0;
      luma[i] = 120 + ((state >>> 16) % 11) - 5; // sensor noise of ±5 levels
    }
    if (figure) {
      // A distant person: 24 × 64 px, 60 levels darker than the ground.
      for (let y = figure.y; y < figure.y + 64; y++)
        luma.fill(60, y * PAL.width + figure.x, y * PAL.width + figure.x + 24);
    }
    return {
      data: Buffer.alloc(0),
      luma,
      width: PAL.width,
      height: PAL.height,
      format: 'rgb24',
      timestamp: 0,
      seq: 0,
    };
  }

  it('passes over tiles whose picture has not changed since the last look, and looks where it has', () => {
    const pass = new FullFramePass(2, PAL, 512);
    const looks = (from: number, frame: (n: number) => Frame) =>
      Array.from({ length: 4 }, (_, n) => pass.tileFor(from + n * 200, false, false, frame(n)))
        .filter((tile) => tile !== null)
        .map((tile) => [tile.x, tile.y]);
    assert.equal(looks(0, (n) => scene(n)).length, 4, 'the first pass looks at every tile');
    assert.deepEqual(
      looks(2000, (n) => scene(100 + n)),
      [],
      'an unchanged scene (new noise only) costs no call',
    );
    // A slow walker appeared at the top left, where only the first tile sees.
    assert.deepEqual(
      looks(4000, (n) => scene(200 + n, { x: 40, y: 0 })),
      [[0, 0]],
    );
    // The same figure a few pixels on, in the same block: nothing new to see.
    assert.deepEqual(
      looks(6000, (n) => scene(300 + n, { x: 42, y: 0 })),
      [],
    );
  });

  it('looks at an unchanged tile again after a minute', () => {
    const pass = new FullFramePass(2, PAL, 512);
    for (let n = 0; n < 4; n++) pass.tileFor(n * 200, false, false, scene(n));
    assert.equal(pass.tileFor(30_000, false, false, scene(9)), null);
    assert.ok(pass.tileFor(61_000, false, false, scene(10)));
  });
});
