import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { openDatabase } from '../../../runtime/store/database';
import { GroupCommitWriter } from '../../../runtime/store/groupCommitWriter';
import { tempDir } from '../../helpers/tempDir';

function freshDb(file = join(tempDir(), 'vigil.db')) {
  const db = openDatabase(file);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  return db;
}

describe('GroupCommitWriter', () => {
  test('a write that reads first is not failed by another connection committing meanwhile', async () => {
    // The event log's worker writes the same database from its own connection. A deferred
    // transaction that has only read cannot start writing once the other committed (SQLITE_BUSY
    // at once, no waiting): the batch must hold the write lock from its start.
    const file = join(tempDir(), 'vigil.db');
    const db = freshDb(file);
    const other = openDatabase(file);
    other.pragma('busy_timeout = 0');
    const writer = new GroupCommitWriter(db, { maxBatch: 10, maxDelayMs: 0 });
    let otherWrote = true;
    await writer.write((conn) => {
      conn.prepare('SELECT count(*) FROM items').get();
      try {
        other.prepare("INSERT INTO items (name) VALUES ('other')").run();
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'SQLITE_BUSY');
        otherWrote = false;
      }
      conn.prepare("INSERT INTO items (name) VALUES ('mine')").run();
    });
    assert.equal(otherWrote, false, 'the other connection waits for the batch');
    assert.deepEqual(db.prepare('SELECT name FROM items').pluck().all(), ['mine']);
    other.close();
  });

  test('many concurrent writes share few commits and all become durable', async () => {
    const db = freshDb();
    const batches: number[] = [];
    const writer = new GroupCommitWriter(db, {
      maxBatch: 100,
      maxDelayMs: 5,
      onCommit: (n) => batches.push(n),
    });
    const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
    const ids = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        writer.write(() => Number(insert.run(`item ${i}`).lastInsertRowid)),
      ),
    );
    assert.equal(new Set(ids).size, 1000);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.ok(batches.length <= 12, `expected about 10 commits of 100, got ${batches.length}`);
    assert.ok(Math.max(...batches) <= 100);
    assert.equal((db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 1000);
    db.close();
  });

  test('a failing write rejects alone; the rest of its batch commits', async () => {
    const db = freshDb();
    const writer = new GroupCommitWriter(db, { maxBatch: 10, maxDelayMs: 5 });
    const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
    const results = await Promise.allSettled([
      writer.write(() => insert.run('a')),
      writer.write(() => {
        insert.run('half-done');
        insert.run('a'); // UNIQUE violation: this write must leave no trace, including 'half-done'
      }),
      writer.write(() => insert.run('b')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const names = (db.prepare('SELECT name FROM items ORDER BY id').all() as Array<{ name: string }>).map(
      (r) => r.name,
    );
    assert.deepEqual(names, ['a', 'b']);
    db.close();
  });

  test('close commits what is queued and refuses later writes', async () => {
    const db = freshDb();
    const writer = new GroupCommitWriter(db, { maxBatch: 10, maxDelayMs: 10_000 });
    const insert = db.prepare('INSERT INTO items (name) VALUES (?)');
    const queued = writer.write(() => insert.run('queued'));
    writer.close();
    await queued;
    await assert.rejects(
      writer.write(() => insert.run('late')),
      /closed/,
    );
    assert.equal((db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 1);
    db.close();
  });

  test('every acknowledged write survives kill -9 of the writing process', async () => {
    const file = join(tempDir(), 'crash.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'ackingWriter.ts'), file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked: number[] = [];
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      acked.push(Number(line));
      if (acked.length >= 3000) break;
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    lines.close();

    const db = openDatabase(file);
    const present = new Set(
      (db.prepare('SELECT id FROM acked').all() as Array<{ id: number }>).map((r) => r.id),
    );
    const lost = acked.filter((id) => !present.has(id));
    assert.deepEqual(lost, [], `${lost.length} acknowledged writes were lost`);
    db.close();
  });
});
