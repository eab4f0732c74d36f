import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makePersonVideo } from '../../fixtures/personVideo';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

interface Stats {
  cameras: Record<string, { detection_enabled: boolean; detection_fps: number }>;
  detectors: Record<string, { type: string; instances: number; regions_skipped: number }>;
}

/** The built appliance with several detectors: each camera uses the one it names, unused ones never load. */
describe('cameras and their detectors', () => {
  test('two cameras share the detector they name; detectors no camera uses are not loaded', async () => {
    const dir = tempDir();
    const video = await makePersonVideo(dir);
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    const camera = (name: string, extra: string, detect = true) =>
      `  ${name}: { source: { driver: file, path: ${video.file}, loop: true, realtime: true }, detect: { enabled: ${detect}, width: 640, height: 360, fps: 5 }, ${extra} }`;
    writeFileSync(
      config,
      [
        'device: { id: detectors-test, name: Detectors test }',
        `data_dir: ${join(dir, 'data')}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }`,
        'cameras:',
        camera('yard', 'detector: shared'),
        camera('porch', 'detector: shared'),
        // Names a detector that cannot load, but detects nothing: it must not be loaded.
        camera('garage', 'detector: broken', false),
        'detectors:',
        // The default no camera uses: a missing model file fails its load, so it must not be loaded.
        `  default: { type: onnx, model_path: ${join(dir, 'missing.onnx')} }`,
        `  broken: { type: onnx, model_path: ${join(dir, 'missing.onnx')} }`,
        '  shared: { type: wasm, instances: 2 }',
        '',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    try {
      await vigil.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'),
        90_000,
      );
      const base = `http://127.0.0.1:${port}`;
      let stats: Stats | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        stats = (await (await fetch(`${base}/api/v1/stats`)).json()) as Stats;
        const { yard, porch } = stats.cameras;
        if ((yard?.detection_fps ?? 0) > 0 && (porch?.detection_fps ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.ok(stats);
      assert.deepEqual(Object.keys(stats.detectors), ['shared'], 'only the detector in use is loaded');
      assert.equal(stats.detectors.shared?.instances, 2);
      assert.equal(stats.detectors.shared?.type, 'wasm');
      for (const name of ['yard', 'porch']) {
        assert.ok((stats.cameras[name]?.detection_fps ?? 0) > 0, `${name} runs the shared detector`);
        assert.equal(stats.cameras[name]?.detection_enabled, true);
      }
      assert.equal(stats.cameras.garage?.detection_enabled, false);
      assert.ok(
        vigil.logs.some((l) => l.msg === 'detector loaded' && l.detector === 'shared' && l.instances === 2),
        'the load is logged with its instances',
      );
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });
});
