import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import { tempDir } from '../../helpers/tempDir';
import { hideFfmpeg } from '../../helpers/withoutFfmpeg';
import { cameraSourceContract } from './cameraSourceContract';
import { cameraConfig, testSourceOptions } from './fixtures/cameraConfig';
import { makeTestVideo } from './fixtures/testVideo';

const dir = tempDir('vigil-camera-file-');
let video = '';
let shortVideo = '';

before(() => {
  video = makeTestVideo(dir, { seconds: 4, fps: 25, width: 320, height: 240 });
  shortVideo = makeTestVideo(dir, { seconds: 1, fps: 25, width: 320, height: 240, name: 'short.mp4' });
});

cameraSourceContract({
  name: 'file (looped, realtime)',
  healthy: () => ({ driver: 'file', path: video, loop: true, realtime: true }),
  spawnsProcesses: true,
  flaky: async () => {
    const path = join(dir, 'appears-later.mp4');
    return {
      source: { driver: 'file', path, loop: true, realtime: true },
      recover: () => copyFileSync(video, path),
    };
  },
  broken: () => ({
    source: { driver: 'file', path: join(dir, 'missing.mp4'), loop: true, realtime: true },
    reason: /file not found: .*missing\.mp4 — check cameras\.test\.source\.path/,
  }),
});

cameraSourceContract({
  name: 'file (as fast as possible)',
  healthy: () => ({ driver: 'file', path: video, loop: true, realtime: false }),
  spawnsProcesses: true,
  lossless: true,
});

describe('file driver', () => {
  it('plays a file once without loop and then ends frames()', async () => {
    const harness = testSourceOptions(
      cameraConfig({ driver: 'file', path: shortVideo, loop: false, realtime: false }, { fps: 10 }),
    );
    const source = createCameraSource(harness.options);
    const seqs: number[] = [];
    for await (const frame of source.frames()) seqs.push(frame.seq);
    // 1 s of video sampled at 10 fps.
    assert.ok(seqs.length >= 9 && seqs.length <= 11, `${seqs.length} frames`);
    assert.deepEqual(seqs, [...seqs.keys()]);
    assert.equal(harness.statuses.at(-1)?.state, 'offline');
    assert.match(harness.statuses.at(-1)?.reason ?? '', /end of file .*short\.mp4/);
    await source.stop();
  });

  it('without ffmpeg installed: offline saying to install it, no reconnect loop, online once it is there', async () => {
    const harness = testSourceOptions(
      cameraConfig({ driver: 'file', path: video, loop: true, realtime: true }, { fps: 10 }),
    );
    harness.options.timing = { ...harness.options.timing, notInstalledRetryMs: 2000 };
    const source = createCameraSource(harness.options);
    const showFfmpeg = hideFfmpeg();
    const consumer = (async () => {
      for await (const _frame of source.frames()) {
        // Just keep the source running.
      }
    })();
    try {
      const offline = await harness.waitForStatus((status) => status.state === 'offline');
      assert.match(
        offline.reason ?? '',
        /^ffmpeg is not installed — install the Debian package ffmpeg \(sudo apt-get install ffmpeg\)$/,
      );
      // The test backoff (200 ms doubling to 1 s) would have reconnected twice by now.
      await sleep(1000);
      assert.equal(source.stats().reconnects, 0, 'waits notInstalledRetryMs before looking again');
      const errors = harness.lines.filter((line) => line.level === 50);
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]?.msg), /^camera test is offline: ffmpeg is not installed/);
      showFfmpeg();
      await harness.waitForStatus((status) => status.state === 'online');
      assert.equal(source.stats().reconnects, 1);
    } finally {
      showFfmpeg();
      await source.stop();
      await consumer;
    }
  });

  it('loops a file past its end', async () => {
    const harness = testSourceOptions(
      cameraConfig({ driver: 'file', path: shortVideo, loop: true, realtime: false }, { fps: 10 }),
    );
    const source = createCameraSource(harness.options);
    let count = 0;
    for await (const _frame of source.frames()) {
      count += 1;
      if (count === 25) break;
    }
    assert.equal(count, 25);
    assert.equal(source.stats().reconnects, 0, 'looping is done by ffmpeg, not by restarting it');
  });
});
