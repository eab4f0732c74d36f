import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listSegments, type Segment } from '../../../../hal/camera/recording/index';
import { tempDir } from '../../../helpers/tempDir';
import { isRunning } from '../fixtures/childProcesses';
import { CAMERA, ffmpegPids, makeCameraVideo, recordConfig, recorderHarness } from './recordingKit';

const dir = tempDir('vigil-recording-supervision-');
let video = '';

before(() => {
  video = makeCameraVideo(dir, 12);
});

describe('segment recorder supervision', () => {
  it('restarts an ffmpeg that was killed, reports the gap with the signal, and records on', async () => {
    const config = recordConfig(
      { driver: 'file', path: video, loop: true, realtime: true },
      { segment_seconds: 1 },
    );
    const harness = recorderHarness(config, join(dir, 'ring-kill'));
    const { recorder, segments, gaps, failures } = harness;
    recorder.start();
    await harness.waitFor('a first segment', () => segments.length >= 2);
    const [pid] = ffmpegPids();
    assert.ok(pid, 'ffmpeg is running');
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const before = segments.length;
    await harness.waitFor(
      'a gap and a segment after it',
      () => gaps.length === 1 && segments.length >= before + 2,
    );
    const recordedBefore = segments[before - 1] as Segment;
    const firstAfter = segments[before] as Segment;

    const gap = gaps[0];
    assert.ok(gap);
    assert.equal(gap.camera, CAMERA);
    assert.equal(gap.from, recordedBefore.endedAt, 'the gap starts where the recording stopped');
    assert.equal(gap.to, firstAfter.startedAt, 'and ends where it resumed');
    assert.ok(
      gap.from <= killedAt && gap.to > killedAt,
      `gap ${gap.from - killedAt}..${gap.to - killedAt} ms around the kill`,
    );
    assert.match(gap.reason, /ffmpeg recorder was killed by SIGKILL — check cameras\.front\.source\.path/);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.diskFull, false);
    assert.equal(recorder.stats().restarts, 1);
    const [newPid] = ffmpegPids();
    assert.ok(newPid && newPid !== pid, 'a new ffmpeg');

    await recorder.stop();
    assert.equal(isRunning(newPid), false);
    assert.deepEqual(ffmpegPids(), []);
    // The segment the killed ffmpeg was writing is not in the ring; every file there is finished.
    const files = readdirSync(join(dir, 'ring-kill'));
    assert.deepEqual(
      files.filter((name) => name.startsWith('partial-')),
      [],
    );
    assert.equal(listSegments(CAMERA, join(dir, 'ring-kill')).length, segments.length);
  });

  it('stop() during a restart backoff reports the open gap and leaves no process', async () => {
    const missing = join(dir, 'not-there.mp4');
    const config = recordConfig(
      { driver: 'file', path: missing, loop: true, realtime: true },
      { segment_seconds: 1 },
    );
    const harness = recorderHarness(config, join(dir, 'ring-missing'));
    const startedAt = Date.now();
    harness.recorder.start();
    await harness.waitFor('two failures', () => harness.failures.length >= 2);
    await harness.recorder.stop();
    assert.equal(harness.segments.length, 0);
    assert.equal(harness.gaps.length, 1);
    const gap = harness.gaps[0];
    assert.ok(gap);
    assert.ok(gap.from >= startedAt && gap.to >= gap.from);
    assert.match(
      gap.reason,
      /ffmpeg recorder exited \(code 1\): .*not-there\.mp4: No such file or directory — check cameras\.front\.source\.path/,
    );
    assert.deepEqual(ffmpegPids(), []);
  });

  describe('on a full disk', () => {
    const mountPoint = join(dir, 'small-fs');
    let mounted = false;
    before(() => {
      mkdirSync(mountPoint, { recursive: true });
      // A real ENOSPC needs a small file system; mounting one needs root (as on CI's containers).
      mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=360k', 'tmpfs', mountPoint]).status === 0;
    });
    after(() => {
      if (mounted) spawnSync('umount', ['-l', mountPoint]);
    });

    it('ends ffmpeg, reports diskFull and the gap so far at once, and records on once space is freed', async (t) => {
      if (!mounted) return t.skip('cannot mount a small tmpfs here (needs root)');
      const ring = join(mountPoint, 'auto');
      const config = recordConfig(
        { driver: 'file', path: video, loop: true, realtime: true },
        { segment_seconds: 1 },
      );
      let gapsAtFailure = -1;
      const harness = recorderHarness(config, ring, {
        // What retention does when told: free space by deleting the oldest segments.
        onFailure: (failure) => {
          if (!failure.diskFull) return;
          gapsAtFailure = harness.gaps.length;
          for (const segment of listSegments(CAMERA, ring)) rmSync(segment.file);
        },
      });
      harness.recorder.start();
      await harness.waitFor('a disk-full failure', () => harness.failures.some((f) => f.diskFull), 20_000);
      const filledAt = harness.segments.length;
      await harness.waitFor('recording again', () => harness.segments.length >= filledAt + 2, 10_000);
      await harness.recorder.stop();

      const failure = harness.failures.find((f) => f.diskFull);
      assert.match(
        failure?.reason ?? '',
        /^no space left on the ring file system \(.*auto\): ffmpeg: .*— free space/,
      );
      assert.equal(gapsAtFailure, 1, 'the gap up to the failure is reported before the failure');
      const [upToFailure, rest] = harness.gaps;
      assert.ok(upToFailure && rest, JSON.stringify(harness.gaps));
      assert.equal(upToFailure.reason, failure?.reason);
      assert.equal(upToFailure.to, rest.from, 'the two gaps join up');
      assert.equal(rest.to, (harness.segments[filledAt] as Segment).startedAt);
      assert.equal(harness.gaps.length, 2);
      assert.deepEqual(ffmpegPids(), []);
      assert.deepEqual(
        readdirSync(ring).filter((name) => name.startsWith('partial-')),
        [],
        'unfinished files are deleted, which frees space too',
      );
    });

    it('can be stopped from its gap listener on a full disk and started again later', async (t) => {
      if (!mounted) return t.skip('cannot mount a small tmpfs here (needs root)');
      const ring = join(mountPoint, 'paused');
      const config = recordConfig(
        { driver: 'file', path: video, loop: true, realtime: true },
        { segment_seconds: 1 },
      );
      const harness = recorderHarness(config, ring);
      const { recorder } = harness;
      let stopping: Promise<void> | undefined;
      // What the runtime does: a full disk pauses the ring (synchronously, from the listener).
      const gapsSeen = () => {
        const full = harness.gaps.find((gap) => /no space left/.test(gap.reason));
        if (full && !stopping) stopping = recorder.stop();
        return stopping !== undefined;
      };
      recorder.start();
      await harness.waitFor('a disk-full gap', gapsSeen, 20_000);
      await stopping;
      assert.equal(recorder.stats().running, false);
      assert.deepEqual(ffmpegPids(), []);
      const before = harness.segments.length;
      for (const segment of listSegments(CAMERA, ring)) rmSync(segment.file);
      recorder.start();
      await harness.waitFor(
        'segments after the restart',
        () => harness.segments.length >= before + 2,
        10_000,
      );
      await recorder.stop();
      assert.deepEqual(ffmpegPids(), []);
    });
  });
});
