import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createSegmentRecorder,
  probeMedia,
  RecordingConfigError,
  type Segment,
} from '../../../../hal/camera/recording/index';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';
import { ffmpegPids, frameOf, recordConfig, recorderHarness, testPatternFrames } from './recordingKit';

const dir = tempDir('vigil-recording-encode-');
const WIDTH = 320;
const HEIGHT = 180;
let pattern: Buffer[] = [];

before(() => {
  pattern = testPatternFrames(WIDTH, HEIGHT, 40);
});

/** Pushes test-pattern frames every `intervalMs` for `durationMs`, like a raw-frame camera. */
async function pushFrames(
  push: (data: Buffer, seq: number) => void,
  options: { intervalMs: number; durationMs: number; seq: number },
): Promise<number> {
  let { seq } = options;
  const end = Date.now() + options.durationMs;
  while (Date.now() < end) {
    push(pattern[seq % pattern.length] as Buffer, seq);
    seq += 1;
    await sleep(options.intervalMs);
  }
  return seq;
}

describe('segment recorder, encode mode (pushed frames)', () => {
  it('encodes pushed frames into H.264 segments that start on keyframes and last as long as they took', async () => {
    const config = recordConfig(
      { driver: 'sim' },
      { segment_seconds: 2 },
      { width: WIDTH, height: HEIGHT, fps: 5 },
    );
    const harness = recorderHarness(config, join(dir, 'ring-a'));
    const { recorder, segments } = harness;
    assert.equal(recorder.mode, 'encode');
    recorder.start();
    const push = (data: Buffer, seq: number) => recorder.pushFrame(frameOf(data, WIDTH, HEIGHT, seq));

    const startedAt = Date.now();
    // 5 fps with a stutter in the middle: durations must follow the clock, not a nominal rate.
    let seq = await pushFrames(push, { intervalMs: 200, durationMs: 3000, seq: 0 });
    seq = await pushFrames(push, { intervalMs: 400, durationMs: 1600, seq });
    await pushFrames(push, { intervalMs: 200, durationMs: 2000, seq });
    const lastPushAt = Date.now();
    await recorder.stop();

    assert.ok(segments.length >= 3, `${segments.length} segments`);
    const first = segments[0] as Segment;
    assert.ok(
      Math.abs(first.startedAt - startedAt) <= 500,
      `first segment starts ${first.startedAt - startedAt} ms after the first frame`,
    );
    const last = segments.at(-1) as Segment;
    assert.ok(
      Math.abs(last.endedAt - lastPushAt) <= 700,
      `last segment ends ${last.endedAt - lastPushAt} ms after the last frame`,
    );
    for (let i = 1; i < segments.length; i++) {
      const [previous, current] = [segments[i - 1] as Segment, segments[i] as Segment];
      assert.equal(current.startedAt, previous.endedAt, `segment ${i} follows the one before`);
    }
    for (const segment of segments) {
      const probed = await probeMedia(segment.file);
      assert.equal(probed.video.codec, 'h264');
      assert.equal(probed.video.width, WIDTH);
      assert.equal(probed.video.height, HEIGHT);
      assert.equal(probed.video.pixFmt, 'yuv420p');
      assert.ok(probed.firstFrameKey, `${segment.file} starts on a keyframe`);
      const length = segment.endedAt - segment.startedAt;
      assert.ok(
        Math.abs(probed.durationMs - length) <= 450,
        `${segment.file}: ${probed.durationMs} ms of video for ${length} ms`,
      );
    }
    const stats = recorder.stats();
    assert.equal(stats.encoder, 'libx264');
    assert.ok(stats.cpuSeconds > 0);
    assert.ok(stats.framesDropped <= 2, `${stats.framesDropped} frames dropped`);
    assert.deepEqual(ffmpegPids(), []);
  });

  it('finishes the segment when frames stop coming and reports the pause as a gap when they return', async () => {
    const config = recordConfig(
      { driver: 'sim' },
      { segment_seconds: 2 },
      { width: WIDTH, height: HEIGHT, fps: 5 },
    );
    const harness = recorderHarness(config, join(dir, 'ring-b'));
    const { recorder, segments, gaps } = harness;
    recorder.start();
    const push = (data: Buffer, seq: number) => recorder.pushFrame(frameOf(data, WIDTH, HEIGHT, seq));
    const seq = await pushFrames(push, { intervalMs: 200, durationMs: 1200, seq: 0 });
    const pausedAt = Date.now();
    // The test timing ends the encoder after 1.5 s without frames: the segment is finished then.
    await harness.waitFor('the segment before the pause', () => segments.length === 1, 5000);
    assert.ok(Math.abs((segments[0] as Segment).endedAt - pausedAt) <= 500);
    const resumedAt = Date.now();
    await pushFrames(push, { intervalMs: 200, durationMs: 2600, seq });
    await harness.waitFor('a segment after the pause', () => segments.length >= 2, 5000);
    await recorder.stop();

    assert.equal(gaps.length, 1, JSON.stringify(gaps));
    const gap = gaps[0];
    assert.ok(gap);
    assert.equal(gap.from, (segments[0] as Segment).endedAt);
    assert.equal(gap.to, (segments[1] as Segment).startedAt);
    assert.ok(Math.abs(gap.to - resumedAt) <= 500, `gap ends ${gap.to - resumedAt} ms after frames resumed`);
    assert.match(gap.reason, /no frames to record for 1\.5 s/);
    assert.equal(recorder.stats().restarts, 0, 'a pause is not a failure');
    const [beforePause, afterPause] = await Promise.all(segments.slice(0, 2).map((s) => probeMedia(s.file)));
    assert.deepEqual(
      afterPause?.video,
      beforePause?.video,
      'the next ffmpeg encodes with the same parameters',
    );
  });

  it("rejects encoder 'copy' for a raw-frame source, naming the config path", () => {
    const { logger } = memoryLogger();
    for (const driver of ['sim', 'libcamera']) {
      const config = recordConfig({ driver }, { encoder: 'copy' });
      assert.throws(
        () =>
          createSegmentRecorder({
            camera: 'porch',
            config,
            dir: join(dir, 'never'),
            logger,
            onSegment: () => {},
            onGap: () => {},
          }),
        (error: Error) => {
          assert.ok(error instanceof RecordingConfigError);
          assert.match(error.message, /^cameras\.porch\.record\.encoder: 'copy' needs an encoded stream/);
          assert.match(
            error.message,
            new RegExp(`'${driver}' driver delivers raw frames; use auto, h264_v4l2m2m or libx264`),
          );
          return true;
        },
      );
    }
  });
});
