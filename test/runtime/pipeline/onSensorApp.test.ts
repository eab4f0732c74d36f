import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  rpicamMetadataFrame,
  ssdTensor,
  writePostProcessFile,
} from '../../hal/camera/fixtures/imx500Metadata';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

const STAND_IN = resolve('test/hal/camera/fixtures/fakeRpicamVid.sh');

/**
 * The built appliance with a Raspberry Pi AI Camera (the rpicam-vid stand-in replaying IMX500
 * metadata with a person in it): the person becomes events with no detector loaded at all.
 */
describe('vigil run with an AI Camera detecting on the sensor', () => {
  test('a person the sensor reports becomes a person event; no detector is loaded', async () => {
    const dir = tempDir();
    const postProcessFile = writePostProcessFile(dir);
    const replay = join(dir, 'frame.json');
    writeFileSync(
      replay,
      rpicamMetadataFrame(ssdTensor([{ box: [0.3, 0.15, 0.55, 0.95], score: 0.85, classIndex: 0 }])),
    );
    const binary = join(dir, 'rpicam-vid');
    writeFileSync(binary, `#!/bin/sh\nexec sh '${STAND_IN}' --replay-metadata '${replay}' "$@"\n`);
    chmodSync(binary, 0o755);
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: imx500-test, name: AI Camera test }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
        'cameras:',
        '  door:',
        `    source: { driver: libcamera, binary: ${binary}, post_process_file: ${postProcessFile}, width: 320, height: 240, framerate: 5 }`,
        '    detect: { width: 320, height: 240, fps: 5 }',
        '',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    try {
      await vigil.waitForLog((l) => String(l.msg).startsWith('vigil is running'), 60_000);
      const base = `http://127.0.0.1:${port}`;
      let people: Array<{ label: string | null; object_id: string | null }> = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && people.length === 0) {
        const reply = await fetch(`${base}/api/v1/events?camera=door&label=person&limit=10`);
        people = ((await reply.json()) as { events: typeof people }).events.filter((e) => e.object_id);
        if (people.length === 0) await sleep(300);
      }
      assert.ok(people.length > 0, 'no person event from the sensor detections');
      const stats = (await (await fetch(`${base}/api/v1/stats`)).json()) as {
        cameras: Record<string, { detection_enabled: boolean }>;
      };
      assert.equal(stats.cameras.door?.detection_enabled, true, 'detection shown as off');
      assert.equal(
        vigil.logs.filter((l) => l.msg === 'detector loaded').length,
        0,
        'a detector was loaded for a camera that detects on its sensor',
      );
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });
});
