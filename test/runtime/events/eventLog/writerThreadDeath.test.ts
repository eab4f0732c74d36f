import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { startVigil } from '../../../helpers/vigilProcess';
import { postEvent, runVigil, stopVigil, untilRunning, withDb, writeConfig } from '../e2e/e2eKit';

const POSTERS = 4;
/** The writer thread exits right after this many commits (the test hook in eventLogWorker.ts). */
const KILL_AFTER_COMMITS = 40;

test('the event log writer thread dying: nothing unwritten is answered 201, the process exits non-zero, and starts again cleanly on the same data', async () => {
  const dir = tempDir();
  const port = await freePort();
  const config = writeConfig(dir, port);
  const base = `http://127.0.0.1:${port}`;
  const vigil = await untilRunning(
    startVigil(['run', '--config', config], {
      NODE_ENV: 'test',
      VIGIL_TEST_KILL_WRITER_AFTER: String(KILL_AFTER_COMMITS),
    }),
  );

  const run = randomUUID().slice(0, 8);
  const created: string[] = [];
  const refused: number[] = [];
  const posters = Array.from({ length: POSTERS }, async (_, poster) => {
    for (let n = 0; ; n += 1) {
      const event = {
        id: `${run}-${poster}-${n}`,
        type: 'sensor',
        camera: `cam-${poster}`,
        label: `pir-${poster}-${n}`,
        source: 'test',
      };
      const reply = await postEvent(base, event).catch(() => null);
      if (reply === null) return; // the process is gone
      if (reply.status === 201) created.push(event.id);
      else refused.push(reply.status);
    }
  });
  // Crash-only: the process ends by itself (a process left up with a dead writer would hang here).
  const exited = await Promise.race([
    vigil.exited,
    sleep(30_000).then(() => {
      vigil.child.kill('SIGKILL');
      throw new Error('the process did not exit within 30 s of its writer thread dying');
    }),
  ]);
  await Promise.all(posters);

  assert.ok(created.length > 0, 'events were acknowledged before the thread died');
  assert.notEqual(exited.code, 0, `crash-only: the process exits non-zero (got ${JSON.stringify(exited)})`);
  assert.ok(
    vigil.logs.some((l) => l.msg === 'the event log writer thread stopped; events cannot be stored'),
    'the thread death is logged',
  );
  assert.ok(
    refused.every((status) => status >= 500),
    `nothing refused with a 2xx or 4xx: ${JSON.stringify(refused)}`,
  );

  // Restarted without the hook, on the same data: every 201'd id is there, and the file is sound.
  const again = await runVigil(config);
  const { missing, integrity } = withDb(dir, (db) => {
    const has = db.prepare('SELECT 1 FROM events WHERE id = ?').pluck();
    return {
      missing: created.filter((id) => has.get(id) === undefined),
      integrity: db.pragma('integrity_check', { simple: true }),
    };
  });
  assert.deepEqual(missing, [], 'every event answered 201 is in the database');
  assert.equal(integrity, 'ok');
  const reply = await postEvent(base, {
    id: `${run}-after`,
    type: 'sensor',
    camera: 'cam-0',
    label: 'after',
    source: 'test',
  });
  assert.equal(reply.status, 201, 'the restarted appliance stores events again');
  assert.equal(await stopVigil(again), 0);
});
