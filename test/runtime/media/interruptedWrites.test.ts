import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';
import { startVigil } from '../../helpers/vigilProcess';

/**
 * A power cut in the middle of a clip or snapshot write leaves its `<name>.part` behind (the
 * power-cut test under QEMU, test/image/powerCut.ts, found them after the next boot). They are
 * written just now as far as their mtime goes, so the orphan grace period of retention keeps
 * them: start-up itself must remove them before any writer runs.
 */
describe('media files an interrupted run left', () => {
  test('every *.part under clips, snapshots and thumbnails is gone once vigil is running; finished files stay', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const leftovers = [
      'clips/2026-12-08/demo-1765150000000-a.mp4.part',
      'snapshots/2026-12-08/demo-x-1.jpg.part',
      'thumbnails/2026-12-08/demo-x-1.jpg.part',
      'snapshots/latest-demo.jpg.part',
    ];
    // Not ours to judge, or finished: start-up leaves them (the grace period covers the orphan).
    const kept = ['clips/2026-12-08/demo-1765150000000-b.mp4', 'clips/readme.txt', 'faces/x.jpg.part'];
    for (const path of [...leftovers, ...kept]) {
      mkdirSync(join(data, path, '..'), { recursive: true });
      writeFileSync(join(data, path), 'half a file');
    }
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'device: { id: parts-test, name: Parts test }',
        `data_dir: ${data}`,
        `http: { host: 127.0.0.1, port: ${port}, auth: { token: parts-token-0123456789 } }`,
        'cameras: {}',
        '',
      ].join('\n'),
    );
    const vigil = startVigil(['run', '--config', config]);
    try {
      await vigil.waitForLog(
        (l) => typeof l.msg === 'string' && l.msg.startsWith('vigil is running'),
        60_000,
      );
      const stillThere = leftovers.filter((path) => existsSync(join(data, path)));
      assert.deepEqual(stillThere, [], 'no .part survives the start');
      for (const path of kept) assert.ok(existsSync(join(data, path)), `${path} is left alone`);
      const warning = vigil.logs.find(
        (l) => l.msg === 'removed unfinished media files an interrupted run left (*.part)',
      );
      assert.ok(warning, 'the removal is logged');
      assert.equal(warning.count, leftovers.length);
    } finally {
      vigil.child.kill('SIGTERM');
      await vigil.exited;
    }
  });
});
