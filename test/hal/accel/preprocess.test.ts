import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InferenceSpeed } from '../../../hal/accel/inferenceSpeed';
import { parseClassNames } from '../../../hal/accel/onnx/onnxMetadata';
import { toInputTensor } from '../../../hal/accel/preprocess/inputTensor';
import { boxToImage, letterbox, letterboxPlacement } from '../../../hal/accel/preprocess/letterbox';

describe('letterbox', () => {
  it('scales a wide image to the input width and centres it vertically', () => {
    assert.deepEqual(letterboxPlacement(640, 360, 512, 512), {
      inputWidth: 512,
      inputHeight: 512,
      scaledWidth: 512,
      scaledHeight: 288,
      left: 0,
      top: 112,
    });
  });

  it('maps boxes back onto the image (inverse of the placement) and clamps what lies in the bars', () => {
    const placement = letterboxPlacement(640, 360, 512, 512);
    assert.deepEqual(boxToImage([0, 112 / 512, 1, 400 / 512], placement), [0, 0, 1, 1]);
    assert.deepEqual(boxToImage([0.25, 0, 0.5, 184 / 512], placement), [0.25, 0, 0.5, 0.25]);
  });

  it('produces packed RGB of the input size: image in the middle, grey bars around it', async () => {
    const red = {
      data: new Uint8Array(4 * 2 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)),
      width: 4,
      height: 2,
    };
    const { pixels, placement } = await letterbox(red, 8, 8);
    assert.equal(pixels.length, 8 * 8 * 3);
    assert.deepEqual(placement, {
      inputWidth: 8,
      inputHeight: 8,
      scaledWidth: 8,
      scaledHeight: 4,
      left: 0,
      top: 2,
    });
    const pixel = (x: number, y: number) => Array.from(pixels.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3));
    assert.deepEqual(pixel(0, 0), [114, 114, 114]);
    assert.deepEqual(pixel(4, 4), [255, 0, 0]);
    assert.deepEqual(pixel(7, 7), [114, 114, 114]);
  });

  it('rejects a buffer that does not match the size', async () => {
    await assert.rejects(
      letterbox({ data: new Uint8Array(5), width: 2, height: 2 }, 8, 8),
      /5 bytes; 2×2 packed RGB needs 12/,
    );
  });
});

describe('toInputTensor', () => {
  const pixels = Uint8Array.of(0, 127.5, 255, 255, 0, 0); // two pixels
  it('keeps NHWC order and scales per normalization', () => {
    const t = toInputTensor(pixels, 2, 1, 'nhwc', 'minus_one_to_one');
    assert.deepEqual(t.shape, [1, 1, 2, 3]);
    assert.deepEqual(
      Array.from(t.data).map((v) => Number(v.toFixed(3))),
      [-1, -0.004, 1, 1, -1, -1],
    );
  });
  it('splits channels into planes for NCHW', () => {
    const t = toInputTensor(pixels, 2, 1, 'nchw', 'none');
    assert.deepEqual(t.shape, [1, 3, 1, 2]);
    assert.deepEqual(Array.from(t.data), [0, 255, 127, 0, 255, 0]);
  });
});

describe('InferenceSpeed', () => {
  it('is an exponential moving average weighting new samples 10 %, like Frigate', async () => {
    const speed = new InferenceSpeed();
    assert.equal(speed.averageMs(), null);
    speed.record(100);
    speed.record(200);
    assert.equal(speed.averageMs(), 110);
    await assert.rejects(speed.time(() => Promise.reject(new Error('x'))));
    assert.equal(speed.averageMs(), 110, 'failed calls are not samples');
  });
});

describe('parseClassNames', () => {
  it("reads Ultralytics' names metadata (a Python dict literal)", () => {
    assert.deepEqual(parseClassNames("{0: 'person', 1: \"delivery van\", 3: 'it\\'s'}"), [
      'person',
      'delivery van',
      'class_2',
      "it's",
    ]);
    assert.equal(parseClassNames(undefined), undefined);
    assert.equal(parseClassNames('nonsense'), undefined);
  });
});
