import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { makePersonVideo } from '../../fixtures/personVideo';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

interface EventSummary {
  type: string;
  camera: string | null;
  label: string | null;
  object_id: string | null;
}

/** The built appliance (dist/vigil.mjs) watching a video file: frames to stored events, stats and a snapshot. */
describe('vigil run with a camera', () => {
  test('a person walking through a video becomes stored events; stats and the latest snapshot are served', async () => {
    const dir = tempDir();
    const video = await makePersonVideo(dir);
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: cam-test, name: Camera test }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
        'cameras:',
        '  yard:',
        `    source: { driver: file, path: ${video.file}, loop: true, realtime: true }`,
        '    detect: { width: 640, height: 360, fps: 5 }',
        'detectors: { default: { type: wasm } }',
        '',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    try {
      await vigil.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'),
        60_000,
      );
      const base = `http://127.0.0.1:${port}`;

      // The person walks in after 2 s of every 9 s loop; wait for the tracked object to be stored.
      let events: EventSummary[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const reply = await fetch(`${base}/api/v1/events?camera=yard&limit=100`);
        events = ((await reply.json()) as { events: EventSummary[] }).events;
        if (events.some((e) => e.label === 'person' && e.object_id)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.deepEqual(vigil.repeatedKeys, [], 'log lines name a key twice');
      const types = events.map((e) => e.type);
      assert.ok(types.includes('camera_online'), `no camera_online among ${types.join(', ')}`);
      assert.ok(
        events.some((e) => e.label === 'person' && e.object_id),
        `no tracked person among ${types.join(', ')}`,
      );

      const stats = (await (await fetch(`${base}/api/v1/stats`)).json()) as {
        cameras: Record<string, { camera_fps: number; process_fps: number; online: boolean }>;
        detectors: Record<string, { inference_speed: number | null }>;
      };
      assert.equal(stats.cameras.yard?.online, true);
      assert.ok((stats.cameras.yard?.camera_fps ?? 0) > 0, `camera_fps ${stats.cameras.yard?.camera_fps}`);
      assert.ok((stats.detectors.default?.inference_speed ?? 0) > 0, 'no inference_speed');

      const snapshot = await fetch(`${base}/api/v1/cameras/yard/latest.jpg`);
      assert.equal(snapshot.status, 200);
      assert.equal(snapshot.headers.get('content-type'), 'image/jpeg');
      const meta = await sharp(Buffer.from(await snapshot.arrayBuffer())).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 360]);

      const prometheus = await (await fetch(`${base}/metrics`)).text();
      assert.match(prometheus, /vigil_camera_fps\{camera="yard",kind="camera"\} [1-9]/);
      // Seconds (a base unit), not the stats' milliseconds.
      const inference = /vigil_detector_inference_seconds\{detector="default"\} (\S+)/.exec(prometheus);
      const seconds = Number(inference?.[1]);
      assert.ok(seconds > 0 && seconds < 10, `inference ${seconds} s`);

      // Run-time tuning: a good change applies, a bad one names the field and changes nothing.
      const patch = (camera: string, body: unknown) =>
        fetch(`${base}/api/v1/cameras/${camera}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const tuned = await patch('yard', { motion: { threshold: 45 }, detect: { enabled: false } });
      assert.equal(tuned.status, 200);
      const applied = (await tuned.json()) as {
        motion: { threshold: number; contour_area: number };
        detectEnabled: boolean;
      };
      assert.equal(applied.motion.threshold, 45);
      assert.equal(applied.motion.contour_area, 10, 'other motion settings were lost');
      assert.equal(applied.detectEnabled, false);
      const bad = await patch('yard', { motion: { threshold: 999 } });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { field: string }).field, /motion\.threshold|motion\/threshold/);
      const unknownKey = await patch('yard', { motion: { treshold: 10 } });
      assert.equal(unknownKey.status, 400);
      const after = (await (await fetch(`${base}/api/v1/stats`)).json()) as {
        cameras: Record<string, { detection_enabled: boolean }>;
      };
      assert.equal(after.cameras.yard?.detection_enabled, false);
      assert.equal((await patch('nope', { detect: { enabled: true } })).status, 404);

      const missing = await fetch(`${base}/api/v1/cameras/nope/latest.jpg`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { field: string }).field, 'camera');
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });
});
