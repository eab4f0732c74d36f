import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '../../../helpers/tempDir';
import { hideFfmpeg } from '../../../helpers/withoutFfmpeg';
import { CAMERA, frameOf, makeCameraVideo, recordConfig, recorderHarness } from './recordingKit';

const dir = tempDir('vigil-recording-no-ffmpeg-');
const NOT_INSTALLED =
  /^ffmpeg is not installed — install the Debian package ffmpeg \(sudo apt-get install ffmpeg\)$/;
let video = '';
let showFfmpeg: (() => void) | undefined;

before(() => {
  video = makeCameraVideo(dir, 12);
});
after(() => showFfmpeg?.());

describe('segment recorder without ffmpeg installed', () => {
  for (const [mode, source] of [
    ['copy (file camera)', () => ({ driver: 'file', path: video, loop: true, realtime: true })],
    ['encode (sim camera, as in the demo)', () => ({ driver: 'sim' })],
  ] as const) {
    it(`${mode}: reports it once as not installed and does not restart in a loop`, async () => {
      const config = recordConfig(source(), { segment_seconds: 1 });
      const harness = recorderHarness(config, join(dir, `ring-${config.source.driver}`));
      showFfmpeg = hideFfmpeg();
      try {
        harness.recorder.start();
        await harness.waitFor('the failure', () => harness.failures.length >= 1);
        // The test backoff (200 ms doubling to 1 s) would restart ffmpeg 3-4 times in this while.
        const { width, height } = config.detect;
        for (let seq = 0; seq < 10; seq++) {
          harness.recorder.pushFrame(frameOf(Buffer.alloc(width * height * 3), width, height, seq));
          await sleep(250);
        }
      } finally {
        showFfmpeg();
      }
      const [failure] = harness.failures;
      assert.equal(harness.failures.length, 1, 'tried once; the next try is a minute later');
      assert.equal(harness.recorder.stats().restarts, 1);
      assert.equal(harness.recorder.stats().running, false);
      assert.equal(failure?.camera, CAMERA);
      assert.equal(failure?.notInstalled, true);
      assert.equal(failure?.diskFull, false);
      assert.match(failure?.reason ?? '', NOT_INSTALLED);
      const errors = harness.lines.filter((line) => line.level === 50);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(String(errors[0]?.msg), /^camera front cannot record: ffmpeg is not installed — install/);

      await harness.recorder.stop();
      assert.equal(harness.gaps.length, 1);
      assert.match(harness.gaps[0]?.reason ?? '', NOT_INSTALLED);
    });
  }

  it('looks for ffmpeg again after notInstalledRetryMs and records once it is installed', async () => {
    const config = recordConfig(
      { driver: 'file', path: video, loop: true, realtime: true },
      { segment_seconds: 1 },
    );
    const harness = recorderHarness(config, join(dir, 'ring-later'), {
      timing: { notInstalledRetryMs: 1500 },
    });
    showFfmpeg = hideFfmpeg();
    try {
      harness.recorder.start();
      await harness.waitFor('the failure', () => harness.failures.length >= 1);
    } finally {
      showFfmpeg();
    }
    // "Installed" now: the next look finds it.
    await harness.waitFor('a segment', () => harness.segments.length >= 1);
    assert.equal(harness.failures.length, 1);
    assert.equal(harness.gaps.length, 1, 'the time without ffmpeg is one gap');
    assert.match(harness.gaps[0]?.reason ?? '', NOT_INSTALLED);
    await harness.recorder.stop();
  });
});
