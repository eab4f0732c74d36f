import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { downscaleLumaToGray } from '../../../../runtime/pipeline/motion/grayscale';
import { workingGeometry } from '../../../../runtime/pipeline/motion/workingGeometry';
import { random } from './syntheticScene';

/** Each working pixel computed the plain way: the mean of its block's bytes, limited range stretched. */
function reference(luma: Uint8Array, frameWidth: number, frameHeight: number, targetHeight?: number) {
  const g = workingGeometry(frameWidth, frameHeight, targetHeight);
  const out = new Float32Array(g.width * g.height);
  for (let wy = 0; wy < g.height; wy++) {
    for (let wx = 0; wx < g.width; wx++) {
      let sum = 0;
      let count = 0;
      for (let y = g.rowStarts[wy] as number; y < (g.rowStarts[wy + 1] as number); y++) {
        for (let x = g.columnStarts[wx] as number; x < (g.columnStarts[wx + 1] as number); x++) {
          sum += luma[y * frameWidth + x] as number;
          count++;
        }
      }
      out[wy * g.width + wx] = ((sum / count - 16) * 255) / 219;
    }
  }
  return out;
}

function downscaled(luma: Uint8Array, frameWidth: number, frameHeight: number, targetHeight?: number) {
  const g = workingGeometry(frameWidth, frameHeight, targetHeight);
  const out = new Float32Array(g.width * g.height);
  downscaleLumaToGray(luma, g, out, new Uint32Array(g.width));
  return out;
}

/** A luma plane in a buffer of its own (word-aligned, as a camera frame's is), or `offset` bytes into one. */
function plane(width: number, height: number, fill: (i: number) => number, offset = 0): Uint8Array {
  const bytes = new Uint8Array(offset + width * height).subarray(offset);
  for (let i = 0; i < bytes.length; i++) bytes[i] = fill(i);
  return bytes;
}

describe('downscaleLumaToGray', () => {
  const next = random(3);
  const cases: Array<[string, number, number, number | undefined]> = [
    ['640×360, blocks of 4 (four bytes a read)', 640, 360, undefined],
    ['1280×720, blocks of 8 (two reads a block row)', 1280, 720, undefined],
    ['768×576, blocks of 6 (byte by byte)', 768, 576, undefined],
    ['160×90 at 2 rows, blocks of 45 (byte by byte)', 160, 90, 2],
    ['128×64 at 4 rows, 16×16 blocks (64 reads a block, within the lane limit)', 128, 64, 4],
  ];
  for (const [name, width, height, target] of cases) {
    test(`${name}: the mean of each block, exactly`, () => {
      for (const fill of [() => Math.floor(next() * 256), () => 255, () => 0]) {
        const luma = plane(width, height, fill);
        assert.deepEqual(downscaled(luma, width, height, target), reference(luma, width, height, target));
      }
    });
  }

  test('a plane that does not start on a word boundary is read byte by byte, with the same result', () => {
    const luma = plane(640, 360, () => Math.floor(next() * 256), 1);
    assert.equal(luma.byteOffset % 4, 1);
    assert.deepEqual(downscaled(luma, 640, 360), reference(luma, 640, 360));
  });
});
