import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { yuv420pBytes, yuv420pToRgb24 } from '../../../base/image/yuv420';

/** One frame of an ffmpeg test source (`testsrc2=`, `color=c=…:`: the filter and its first options) at `width`×`height`, as raw yuv420p. */
function testFrame(source: string, width: number, height: number): Buffer {
  // biome-ignore format: option/value pairs
  return execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', `${source}size=320x240:rate=1`, '-frames:v', '1', '-vf', `scale=${width}:${height}`,
    '-pix_fmt', 'yuv420p', '-f', 'rawvideo', 'pipe:1',
  ]);
}

describe('yuv420p', () => {
  it('sizes the planes, rounding odd chroma sizes up', () => {
    assert.equal(yuv420pBytes(640, 360), 640 * 360 * 1.5);
    assert.equal(yuv420pBytes(5, 3), 15 + 2 * 3 * 2);
  });

  it('converts to the rgb24 ffmpeg itself makes from the same frame', () => {
    // A busy colour pattern, and a plain colour at an odd size (chroma planes rounded up; ffmpeg
    // interpolates chroma at odd sizes, so only a plain colour compares like for like there).
    for (const [source, width, height] of [
      ['testsrc2=', 320, 240],
      ['color=c=0x3366cc:', 161, 91],
    ] as const) {
      const yuv = testFrame(source, width, height);
      assert.equal(yuv.length, yuv420pBytes(width, height));
      // ffmpeg's reference: the yuv420p frame above converted by ffmpeg's swscale.
      // biome-ignore format: option/value pairs
      const reference = execFileSync('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-nostdin',
        '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-i', 'pipe:0',
        '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
      ], { input: yuv });
      const rgb = Buffer.alloc(width * height * 3);
      yuv420pToRgb24(yuv, width, height, rgb);
      let total = 0;
      let worst = 0;
      for (let i = 0; i < rgb.length; i++) {
        const difference = Math.abs((rgb[i] as number) - (reference[i] as number));
        total += difference;
        worst = Math.max(worst, difference);
      }
      const mean = total / rgb.length;
      // Same matrix; ffmpeg interpolates chroma at colour edges where this takes the nearest sample.
      assert.ok(mean < 1.5, `${width}×${height}: mean difference ${mean.toFixed(2)} grey levels`);
      assert.ok(worst < (source === 'testsrc2=' ? 64 : 3), `${width}×${height}: worst difference ${worst}`);
    }
  });

  it('maps limited-range black and white to 0 and 255 and keeps grey neutral', () => {
    const frame = Buffer.alloc(yuv420pBytes(2, 2));
    frame.set([16, 235, 126, 126], 0);
    frame.set([128, 128], 4);
    const rgb = Buffer.alloc(12);
    yuv420pToRgb24(frame, 2, 2, rgb);
    assert.deepEqual([...rgb], [0, 0, 0, 255, 255, 255, 128, 128, 128, 128, 128, 128]);
  });
});
