import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { pollUntil, postEvent, type Reply, runVigil, stopVigil, withDb, writeConfig } from './e2eKit';

/**
 * Fills `file` until the filesystem refuses another byte (ENOSPC), in ever smaller writes, and
 * keeps it: the database stays open in the appliance meanwhile.
 */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** A distinct event (no dedup folding): its own id and label. */
function eventFor(id: string): Record<string, unknown> {
  return {
    id,
    type: 'sensor',
    label: id,
    source: 'gpio:door',
    data: { state: 'open', note: 'x'.repeat(400) },
  };
}

async function health(base: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/v1/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a full data partition', () => {
  test('ingest answers 507 (never 500, never 201 for what is not stored), health says so, and it resumes when space returns', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-full-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', data]).status === 0;
    // Unmounted before the directory goes (a mount point cannot be removed).
    after(() => {
      if (mounted) spawnSync('umount', ['-l', data]);
      rmSync(dir, { recursive: true, force: true });
    });
    if (!mounted) {
      t.skip('tmpfs cannot be mounted here (needs root)');
      return;
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const vigil = await runVigil(writeConfig(dir, port));
    try {
      const before = await postEvent(base, eventFor('before-0'));
      assert.equal(before.status, 201, before.text);

      const filler = join(data, 'filler');
      fillUp(filler);

      // The WAL may still have room in pages it already holds: post until the disk refuses.
      const answers: Array<{ id: string; reply: Reply }> = [];
      for (let n = 0; n < 400; n++) {
        const id = `full-${n}`;
        answers.push({ id, reply: await postEvent(base, eventFor(id)) });
        if (answers.filter((a) => a.reply.status === 507).length >= 5) break;
      }
      const odd = answers.filter((a) => a.reply.status !== 201 && a.reply.status !== 507);
      assert.deepEqual(
        odd.map((a) => `${a.id}: ${a.reply.status} ${a.reply.text}`),
        [],
        'every answer is 201 or 507',
      );
      const refused = answers.filter((a) => a.reply.status === 507);
      assert.ok(refused.length >= 5, `the full disk refused events (answers: ${answers.length})`);
      assert.match(
        String(refused[0]?.reply.json?.error),
        /data partition \(data_dir.*\) is full.*free space/,
      );

      // A batch with nothing stored answers 507 as a whole.
      const batch = await fetch(`${base}/api/v1/events/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([eventFor('batch-0'), eventFor('batch-1')]),
      });
      const batchText = await batch.text();
      assert.ok(batch.status === 507 || batch.status === 200, `batch: ${batch.status} ${batchText}`);
      const batchCreated =
        batch.status === 200
          ? (
              JSON.parse(batchText) as { results: Array<{ status: string; folded_id?: string; id?: string }> }
            ).results
              .filter((r) => r.status === 'created')
              .map((r) => r.id as string)
          : [];

      const whileFull = await health(base);
      t.diagnostic(
        `while full: ${answers.length - refused.length} stored (201), ${refused.length} refused (507); batch ${batch.status}; health ${JSON.stringify(whileFull.body.status)}`,
      );
      assert.equal(whileFull.status, 503);
      assert.equal(whileFull.body.status, 'degraded');
      if (Array.isArray(whileFull.body.degraded))
        assert.match(String(whileFull.body.degraded[0]), /data partition \(data_dir\) is full/);
      assert.ok(
        vigil.logs.some((l) => String(l.msg).startsWith('the data partition (data_dir) is full')),
        'the spell is logged',
      );

      rmSync(filler);
      // No restart: the next events are stored.
      const resumed = [];
      for (let n = 0; n < 5; n++) {
        const reply = await postEvent(base, eventFor(`after-${n}`));
        assert.equal(reply.status, 201, reply.text);
        resumed.push(`after-${n}`);
      }
      const afterwards = await health(base);
      assert.equal(afterwards.body.status, 'ok');
      assert.equal(afterwards.status, 200);

      const created = [
        'before-0',
        ...answers.filter((a) => a.reply.status === 201).map((a) => a.id),
        ...batchCreated,
        ...resumed,
      ];
      await pollUntil(
        'the storage_full system event is stored',
        () =>
          withDb(dir, (db) =>
            Boolean(
              db
                .prepare(
                  "SELECT 1 FROM events WHERE type = 'system' AND json_extract(data, '$.what') = 'storage_full'",
                )
                .get(),
            ),
          ),
        10_000,
      );
      withDb(dir, (db) => {
        const stored = new Set(db.prepare('SELECT id FROM events').pluck().all() as string[]);
        assert.deepEqual(
          created.filter((id) => !stored.has(id)),
          [],
          'every 201 is stored',
        );
        assert.deepEqual(
          refused.map((a) => a.id).filter((id) => stored.has(id)),
          [],
          'no 507 is stored',
        );
        const spell = db
          .prepare("SELECT json_extract(data, '$.refused') AS refused FROM events WHERE type = 'system'")
          .get() as { refused: number };
        assert.ok(spell.refused >= refused.length, 'the system event counts the refusals');
      });
    } catch (err) {
      await stopVigil(vigil);
      throw err;
    }
    assert.equal(await stopVigil(vigil), 0, 'a clean stop once space returned');
  });
});
