import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { indexFtsBacklog, indexFtsBacklogBeforeSearch } from '../../../runtime/events/ftsBacklog';
import { EventQueries } from '../../../runtime/events/queries/eventQueries';
import { openDatabase } from '../../../runtime/store/database';
import { MIGRATIONS } from '../../../runtime/store/migrations/index';
import { migrate } from '../../../runtime/store/migrator';
import { tempDir } from '../../helpers/tempDir';

function migrated(): Database {
  const file = join(tempDir(), 'vigil.db');
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  return db;
}

function insert(db: Database, id: string): void {
  db.prepare(
    `INSERT INTO events (id, type, timestamp, received_at, source, camera, correlation_id, severity, fingerprint, state)
     VALUES (?, 'motion', 1000, 1000, 'test', 'front', ?, 'low', 'fp', 'persisted')`,
  ).run(id, id);
}

const describeAs = (db: Database, id: string, text: string | null) =>
  db.prepare('UPDATE events SET description = ? WHERE id = ?').run(text, id);
/** What the index itself finds, without indexing the queue first. */
const indexed = (db: Database, word: string) =>
  db
    .prepare(
      'SELECT e.id FROM events_fts f JOIN events e ON e.rowid = f.rowid WHERE events_fts MATCH ? ORDER BY e.id',
    )
    .pluck()
    .all(word);
const queued = (db: Database) => db.prepare('SELECT count(*) FROM events_fts_backlog').pluck().get();
const intact = (db: Database) =>
  // Raises SQLITE_CORRUPT_VTAB if the index is damaged (a 'delete' of text it never held does that).
  db.prepare("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')").run();

describe('full-text index in batches (events_fts_backlog)', () => {
  test('a description is queued, not indexed, until the queue is indexed in one go', () => {
    const db = migrated();
    for (const id of ['a', 'b', 'c']) insert(db, id);
    describeAs(db, 'a', 'person at the door');
    describeAs(db, 'b', 'person in the yard');
    assert.equal(queued(db), 2);
    assert.deepEqual(indexed(db, 'person'), []);
    assert.equal(db.transaction(() => indexFtsBacklog(db))(), 2);
    assert.equal(queued(db), 0);
    assert.deepEqual(indexed(db, 'person'), ['a', 'b']);
    intact(db);
    db.close();
  });

  test('changing or clearing a description takes the old text out of the index, queued or not', () => {
    const db = migrated();
    for (const id of ['a', 'b', 'c']) insert(db, id);
    describeAs(db, 'a', 'car on the drive');
    describeAs(db, 'b', 'car at the gate');
    indexFtsBacklog(db);
    // Indexed, then changed: out of the index at once, the new text queued.
    describeAs(db, 'a', 'person on the drive');
    assert.deepEqual(indexed(db, 'car'), ['b']);
    // Queued, then changed again before indexing: only the last text is indexed.
    describeAs(db, 'c', 'cat on the wall');
    describeAs(db, 'c', 'fox on the wall');
    // Indexed, then cleared.
    describeAs(db, 'b', null);
    indexFtsBacklog(db);
    assert.deepEqual(indexed(db, 'car'), []);
    assert.deepEqual(indexed(db, 'cat'), []);
    assert.deepEqual(indexed(db, 'fox'), ['c']);
    assert.deepEqual(indexed(db, 'person'), ['a']);
    intact(db);
    db.close();
  });

  test('deleting an event removes it from the index or the queue, whichever holds it', () => {
    const db = migrated();
    for (const id of ['a', 'b']) insert(db, id);
    describeAs(db, 'a', 'person at the door');
    indexFtsBacklog(db);
    describeAs(db, 'b', 'person in the yard');
    db.prepare("DELETE FROM events WHERE id IN ('a', 'b')").run();
    assert.equal(queued(db), 0);
    assert.deepEqual(indexed(db, 'person'), []);
    intact(db);
    db.close();
  });

  test('a search indexes the queue first, so it finds a description stored a moment ago', () => {
    const db = migrated();
    insert(db, 'a');
    describeAs(db, 'a', 'person at the door');
    const queries = new EventQueries({ db, timeZone: 'UTC' });
    assert.deepEqual(
      queries.listEvents({ q: 'person' }).events.map((e) => e.id),
      ['a'],
    );
    assert.equal(queued(db), 0);
    // With nothing queued, a search writes nothing.
    const changes = db.prepare('SELECT total_changes()').pluck();
    const before = changes.get();
    indexFtsBacklogBeforeSearch(db);
    assert.equal(changes.get(), before);
    intact(db);
    db.close();
  });
});
