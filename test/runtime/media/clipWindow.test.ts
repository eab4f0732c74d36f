import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Segment } from '../../../hal/camera/recording/types';
import { clipSegments, clipWindow, gapsIn, segmentsIn } from '../../../runtime/media/clips/clipWindow';

const T = 1_800_000_000_000;
const segment = (from: number, to: number): Segment => ({
  camera: 'front',
  file: `/ring/front/${T + from}-${T + to}.ts`,
  startedAt: T + from,
  endedAt: T + to,
  bytes: 1000,
});

describe('clip window', () => {
  it('runs from pre_capture before the start to post_capture after the end', () => {
    const record = { pre_capture: 10, post_capture: 15 };
    assert.deepEqual(clipWindow({ started_at: T + 20_000, ended_at: T + 25_000 }, record), {
      from: T + 10_000,
      until: T + 40_000,
    });
    assert.deepEqual(clipWindow({ started_at: T + 20_000, ended_at: null }, record), {
      from: T + 10_000,
      until: null,
    });
  });

  it('takes the segments that overlap it, an open window reaching to the newest', () => {
    const ring = [segment(0, 2000), segment(2000, 4000), segment(4000, 6000), segment(6000, 8000)];
    const picked = segmentsIn({ from: T + 2500, until: T + 6000 }, ring);
    assert.deepEqual(
      picked.map((s) => s.startedAt - T),
      [2000, 4000],
    );
    assert.equal(segmentsIn({ from: T + 5000, until: null }, ring).length, 2);
  });

  it('leaves out an edge segment that lies mostly outside, so the clip is within one segment of the window', () => {
    const ring = [segment(0, 2000), segment(2000, 4000), segment(4000, 6000), segment(6000, 8000)];
    const picked = clipSegments({ from: T + 1500, until: T + 6500 }, ring);
    assert.deepEqual(
      picked.map((s) => s.startedAt - T),
      [2000, 4000],
      'the first ends 0.5 s inside, the last starts 0.5 s before the end',
    );
    assert.deepEqual(
      clipSegments({ from: T + 500, until: T + 7500 }, ring).map((s) => s.startedAt - T),
      [0, 2000, 4000, 6000],
    );
    assert.equal(clipSegments({ from: T + 1900, until: T + 2100 }, ring).length, 2, 'never nothing');
  });

  it('finds no gap in continuous recording, whatever the jitter between segments', () => {
    const ring = [segment(0, 2000), segment(2300, 4000), segment(4000, 6000)];
    assert.deepEqual(gapsIn({ from: T, until: T + 6000 }, ring, []), []);
  });

  it('names each hole with the reason the recorder reported for it', () => {
    const ring = [segment(0, 2000), segment(7000, 9000)];
    const gaps = gapsIn({ from: T, until: T + 12_000 }, ring, [
      { camera: 'front', from: T + 2000, to: T + 7000, reason: 'ffmpeg was killed by SIGKILL' },
    ]);
    assert.equal(gaps.length, 2);
    assert.deepEqual(gaps[0], { from: T + 2000, to: T + 7000, reason: 'ffmpeg was killed by SIGKILL' });
    assert.equal(gaps[1]?.from, T + 9000);
    assert.equal(gaps[1]?.to, T + 12_000);
    assert.match(gaps[1]?.reason ?? '', /nothing was recorded/);
  });

  it('is one gap when nothing covers the window', () => {
    assert.equal(gapsIn({ from: T, until: T + 5000 }, [], []).length, 1);
  });
});
