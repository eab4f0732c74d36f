import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import { tempDir } from '../../helpers/tempDir';
import { cameraSourceContract } from './cameraSourceContract';
import { cameraConfig, TEST_TIMING, testSourceOptions } from './fixtures/cameraConfig';

const dir = tempDir('vigil-camera-libcamera-');
const standIn = resolve('test/hal/camera/fixtures/fakeRpicamVid.sh');
let scripts = 0;

/**
 * An executable that behaves like rpicam-vid (the stand-in, with extra test options) and
 * records the arguments it was given in `<script>.args`.
 */
function fakeBinary(...extra: string[]): string {
  scripts += 1;
  const path = join(dir, `rpicam-vid-${scripts}`);
  writeFileSync(path, `#!/bin/sh\necho "$@" > "$0.args"\nexec sh '${standIn}' ${extra.join(' ')} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

cameraSourceContract({
  name: 'libcamera (rpicam-vid stand-in)',
  healthy: () => ({ driver: 'libcamera', binary: fakeBinary() }),
  spawnsProcesses: true,
  flaky: async () => ({ source: { driver: 'libcamera', binary: fakeBinary('--exit-after', '8') } }),
  broken: () => ({
    source: { driver: 'libcamera', binary: join(dir, 'no-such-rpicam-vid') },
    reason: /'.*no-such-rpicam-vid' not found — check the camera cable and cameras\.test\.source\.binary/,
  }),
});

describe('libcamera driver', () => {
  it('asks the camera for raw YUV420 at the configured size and rate and scales it to detect size', async () => {
    const binary = fakeBinary();
    const config = cameraConfig(
      { driver: 'libcamera', binary, camera_index: 1, width: 320, height: 240, framerate: 15 },
      { width: 160, height: 90, fps: 5 },
    );
    const source = createCameraSource(testSourceOptions(config).options);
    try {
      for await (const frame of source.frames()) {
        assert.equal(frame.data.length, 160 * 90 * 3);
        break;
      }
      assert.equal(
        readFileSync(`${binary}.args`, 'utf8').trim(),
        '--codec yuv420 -o - -t 0 --width 320 --height 240 --framerate 15 --camera 1 --nopreview',
      );
    } finally {
      await source.stop();
    }
  });

  it('restarts a capture that stops sending frames', async () => {
    const harness = testSourceOptions(
      cameraConfig({ driver: 'libcamera', binary: fakeBinary('--stall-after', '3') }),
    );
    harness.options.timing = { ...TEST_TIMING, stallTimeoutMs: 1_000 };
    const source = createCameraSource(harness.options);
    const consumer = (async () => {
      for await (const _frame of source.frames()) {
        // Keep it running.
      }
    })();
    try {
      const offline = await harness.waitForStatus((status) => status.state === 'offline');
      assert.match(offline.reason ?? '', /no frame for 1 s/);
      await harness.waitForStatus((status, index) => status.state === 'online' && index > 0);
    } finally {
      await source.stop();
      await consumer;
    }
  });

  it('explains a camera program that fails', async () => {
    const harness = testSourceOptions(
      cameraConfig({
        driver: 'libcamera',
        binary: fakeBinary('--fail', "'ERROR: *** no cameras available ***'"),
      }),
    );
    const source = createCameraSource(harness.options);
    const consumer = (async () => {
      for await (const _frame of source.frames()) assert.fail('no frame expected');
    })();
    try {
      const offline = await harness.waitForStatus((status) => status.state === 'offline');
      assert.match(offline.reason ?? '', /exited \(code 1\): ERROR: \*\*\* no cameras available \*\*\*/);
    } finally {
      await source.stop();
      await consumer;
    }
  });
});
