import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  Fmp4Splitter,
  type InitSegment,
  type MediaFragment,
} from '../../../../runtime/web/liveVideo/fmp4Splitter';

/** 20 frames of H.264 (high profile, level 1.3, a keyframe every 5th) as ffmpeg's live video writes them. */
function fragmentedMp4(): Buffer {
  // biome-ignore format: option/value pairs
  return execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10',
    '-frames:v', '20', '-c:v', 'libx264', '-profile:v', 'high', '-level', '1.3', '-g', '5',
    '-bf', '0', '-pix_fmt', 'yuv420p', '-f', 'mp4',
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof+frag_every_frame', 'pipe:1',
  ]);
}

function split(bytes: Buffer, chunk: () => number): { inits: InitSegment[]; fragments: MediaFragment[] } {
  const inits: InitSegment[] = [];
  const fragments: MediaFragment[] = [];
  const splitter = new Fmp4Splitter(
    (init) => inits.push(init),
    (fragment) => fragments.push(fragment),
  );
  for (let at = 0; at < bytes.length; ) {
    const n = chunk();
    splitter.push(bytes.subarray(at, at + n));
    at += n;
  }
  return { inits, fragments };
}

describe('Fmp4Splitter', () => {
  const bytes = fragmentedMp4();

  test('cuts the init segment and one fragment per frame, keyframes marked, whatever the chunk sizes', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return 1 + (seed % 3000);
    };
    for (const chunk of [() => bytes.length, () => 1, random]) {
      const { inits, fragments } = split(bytes, chunk);
      assert.equal(inits.length, 1);
      const init = inits[0] as InitSegment;
      assert.equal(init.bytes.toString('latin1', 4, 8), 'ftyp');
      // High profile (0x64), no constraint flags, level 1.3 (0x0d): what the SPS says.
      assert.equal(init.codec, 'avc1.64000d');
      assert.equal(fragments.length, 20);
      assert.deepEqual(
        fragments.map((f, i) => (f.keyframe ? i : -1)).filter((i) => i >= 0),
        [0, 5, 10, 15],
      );
      for (const f of fragments) {
        assert.equal(f.bytes.toString('latin1', 4, 8), 'moof');
      }
      // Nothing is lost or duplicated: init and fragments are the stream up to ffmpeg's closing index (mfra).
      const total = init.bytes.length + fragments.reduce((sum, f) => sum + f.bytes.length, 0);
      assert.equal(bytes.toString('latin1', total + 4, total + 8), 'mfra');
      assert.equal(bytes.readUInt32BE(total), bytes.length - total);
    }
  });

  test('refuses a stream that is not MP4 instead of buffering it', () => {
    const splitter = new Fmp4Splitter(
      () => {},
      () => {},
    );
    assert.throws(() => splitter.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), /not a fragmented MP4 stream/);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x7fffffff, 0);
    huge.write('mdat', 4, 'latin1');
    assert.throws(
      () =>
        new Fmp4Splitter(
          () => {},
          () => {},
        ).push(huge),
      /a box of 2147483647 bytes/,
    );
  });
});
