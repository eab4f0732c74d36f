import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assembleClip,
  listSegments,
  parseSegmentFileName,
  probeMedia,
  type Segment,
} from '../../../../hal/camera/recording/index';
import { tempDir } from '../../../helpers/tempDir';
import { isRunning } from '../fixtures/childProcesses';
import {
  CAMERA,
  ffmpegPids,
  makeCameraVideo,
  recordConfig,
  recorderHarness,
  topLevelBoxes,
} from './recordingKit';

const dir = tempDir('vigil-recording-copy-');
let video = '';

before(() => {
  video = makeCameraVideo(dir);
});

/** Segments one after another: each starts where the previous ended (to the ms, or near it). */
function assertConsecutive(segments: readonly Segment[]): void {
  for (let i = 1; i < segments.length; i++) {
    const [previous, current] = [segments[i - 1] as Segment, segments[i] as Segment];
    assert.ok(current.startedAt >= previous.endedAt, `segment ${i} overlaps the one before`);
    assert.ok(
      current.startedAt - previous.endedAt <= 100,
      `hole of ${current.startedAt - previous.endedAt} ms before segment ${i}`,
    );
  }
}

describe('segment recorder, copy mode (file source, realtime, looped)', () => {
  it('records consecutive segments of the source stream, unchanged, and stop() finishes the last one', async () => {
    const ring = join(dir, 'ring-a');
    const config = recordConfig(
      { driver: 'file', path: video, loop: true, realtime: true },
      { segment_seconds: 2 },
    );
    const harness = recorderHarness(config, ring);
    const { recorder, segments } = harness;
    assert.equal(recorder.mode, 'copy');

    const startedAt = Date.now();
    recorder.start();
    await harness.waitFor('3 segments', () => segments.length >= 3);
    const pids = ffmpegPids();
    assert.equal(pids.length, 1, 'one ffmpeg records the camera');
    const beforeStop = segments.length;
    const stopCalledAt = Date.now();
    await recorder.stop();
    const stoppedAt = Date.now();

    // stop() made ffmpeg close and report the segment it was writing, and left no process behind.
    assert.equal(segments.length, beforeStop + 1, 'the segment being written is finished by stop()');
    const last = segments.at(-1) as Segment;
    assert.ok(last.endedAt <= stoppedAt, 'the last segment does not end in the future');
    assert.ok(
      last.endedAt >= stopCalledAt - 1000,
      `last segment ends ${stopCalledAt - last.endedAt} ms before stop()`,
    );
    for (const pid of pids) assert.equal(isRunning(pid), false, `ffmpeg ${pid} is gone`);
    assert.deepEqual(ffmpegPids(), []);

    // Wall-clock times: consecutive, adding up to the time recorded. A file read with -re runs a
    // few frames ahead of the clock, hence the generous bounds.
    assertConsecutive(segments);
    const first = segments[0] as Segment;
    assert.ok(
      Math.abs(first.startedAt - startedAt) <= 1000,
      `first segment starts ${first.startedAt - startedAt} ms after start()`,
    );
    const total = segments.reduce((sum, s) => sum + (s.endedAt - s.startedAt), 0);
    const wall = stoppedAt - startedAt;
    assert.ok(total > wall - 1500 && total < wall + 1000, `segments add up to ${total} ms in ${wall} ms`);

    // Names carry the times; the ring can be rebuilt from the directory alone.
    for (const segment of segments) {
      assert.deepEqual(parseSegmentFileName(basename(segment.file)), {
        startedAt: segment.startedAt,
        endedAt: segment.endedAt,
      });
      assert.ok(segment.bytes > 10_000, `${segment.file}: ${segment.bytes} bytes`);
    }
    assert.deepEqual(listSegments(CAMERA, ring), segments);

    // Stream copy: same codec parameters as the camera's stream, starting on a keyframe.
    const source = await probeMedia(video);
    assert.equal(source.video.profile, 'High');
    for (const segment of segments.slice(1, -1)) {
      const probed = await probeMedia(segment.file);
      assert.deepEqual(probed.video, source.video, `${segment.file} was not re-encoded`);
      assert.ok(probed.firstFrameKey, `${segment.file} starts on a keyframe`);
      const length = segment.endedAt - segment.startedAt;
      assert.ok(
        Math.abs(probed.durationMs - length) <= 300,
        `${segment.file}: ${probed.durationMs} ms of video for ${length} ms`,
      );
    }

    // Copying costs ffmpeg next to no CPU (re-encoding 640x360 would cost several times more).
    const stats = recorder.stats();
    assert.equal(stats.encoder, 'copy');
    assert.equal(stats.segments, segments.length);
    assert.equal(stats.running, false);
    assert.ok(stats.cpuSeconds > 0, 'CPU time was measured');
    assert.ok(
      stats.cpuSeconds < (total / 1000) * 0.25,
      `ffmpeg used ${stats.cpuSeconds} CPU s for ${total} ms`,
    );
  });

  it('assembles segments into a faststart MP4 of their total length, starting on a keyframe', async () => {
    const ring = join(dir, 'ring-a');
    const segments = listSegments(CAMERA, ring).slice(0, 3);
    assert.equal(segments.length, 3);
    const output = join(dir, 'clips', '2026-11-23', 'front-incident.mp4');
    const clip = await assembleClip({ segments: segments.map((s) => s.file), output });

    assert.equal(existsSync(`${output}.part`), false, 'no .part left behind');
    const probed = await probeMedia(output);
    const source = await probeMedia(video);
    assert.deepEqual(probed.video, source.video, 'stream copy: codec parameters unchanged');
    assert.ok(probed.firstFrameKey, 'starts on a keyframe');
    const expected = segments.reduce((sum, s) => sum + (s.endedAt - s.startedAt), 0);
    assert.ok(
      Math.abs(probed.durationMs - expected) <= 400,
      `${probed.durationMs} ms, expected ${expected} ms`,
    );
    assert.equal(clip.durationMs, probed.durationMs);
    const boxes = topLevelBoxes(output);
    assert.ok(
      boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'),
      `boxes: ${boxes.join(' ')}`,
    );
  });

  it('names the missing segment or the failing output when it cannot assemble', async () => {
    const missing = join(dir, 'ring-a', '1-2.ts');
    await assert.rejects(
      assembleClip({ segments: [missing], output: join(dir, 'clips', 'x.mp4') }),
      new RegExp(`segment ${missing} does not exist`),
    );
    const notVideo = join(dir, 'not-video.ts');
    writeFileSync(notVideo, 'this is not a transport stream');
    const output = join(dir, 'clips', 'broken.mp4');
    await assert.rejects(assembleClip({ segments: [notVideo], output }), (error: Error) => {
      assert.match(error.message, /cannot assemble .*broken\.mp4/);
      assert.match(error.message, /ffmpeg exited \(code \d+\): ./, 'ends with what ffmpeg said');
      return true;
    });
    assert.equal(existsSync(output), false);
    assert.equal(existsSync(`${output}.part`), false);
  });

  it('starts again after stop(), keeping the finished segments and removing unfinished leftovers', async () => {
    const ring = join(dir, 'ring-a');
    const kept = listSegments(CAMERA, ring);
    // What a kill -9 leaves behind: a half-written segment and a segment list.
    writeFileSync(join(ring, 'partial-old-000003.ts'), 'half a segment');
    writeFileSync(join(ring, 'partial-old.csv'), 'partial-old-000002.ts,4.0,6.0\n');
    const config = recordConfig(
      { driver: 'file', path: video, loop: true, realtime: true },
      { segment_seconds: 1 },
    );
    const harness = recorderHarness(config, ring);
    for (let round = 1; round <= 2; round++) {
      harness.recorder.start();
      await harness.waitFor(`a segment in round ${round}`, () => harness.segments.length >= round * 2);
      await harness.recorder.stop();
      await sleep(100);
    }
    const now = listSegments(CAMERA, ring);
    assert.deepEqual(now.slice(0, kept.length), kept, 'earlier segments are untouched');
    assert.equal(now.length, kept.length + harness.segments.length);
    assert.equal(existsSync(join(ring, 'partial-old-000003.ts')), false);
    assert.equal(existsSync(join(ring, 'partial-old.csv')), false);
    assert.deepEqual(ffmpegPids(), []);
    assert.equal(harness.gaps.length, 0, 'a stop is not a gap');
  });
});
