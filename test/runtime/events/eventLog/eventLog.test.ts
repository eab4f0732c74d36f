import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventLog, EventLogError } from '../../../../runtime/events/eventLog/eventLog';
import type { PersistEvent } from '../../../../runtime/events/eventLog/eventLogWrites';
import { openDatabase } from '../../../../runtime/store/database';
import { MIGRATIONS } from '../../../../runtime/store/migrations/index';
import { migrate } from '../../../../runtime/store/migrator';
import { tempDir } from '../../../helpers/tempDir';

function migratedFile(): string {
  const file = join(tempDir(), 'vigil.db');
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  db.close();
  return file;
}

function persist(id: string, zones: string[] = []): PersistEvent {
  return {
    op: 'persist',
    event: [
      id,
      'sensor',
      1000,
      1001,
      'test',
      'front',
      'pir',
      null,
      null,
      null,
      JSON.stringify(zones),
      '{}',
      id,
      null,
      'low',
      'fp',
      null,
      0,
    ],
    zones,
    actor: 'api',
    newIncident: null,
    endedIncidentId: null,
    snapshot: null,
  };
}

describe('event log writer thread', () => {
  test('a write resolves once its rows are committed, with zones and the audit row', async () => {
    const file = migratedFile();
    const log = await EventLog.open({ file, maxBatch: 64 });
    await Promise.all([log.write(persist('a', ['porch', 'yard'])), log.write(persist('b'))]);
    const reader = openDatabase(file);
    try {
      assert.deepEqual(reader.prepare('SELECT id FROM events ORDER BY id').pluck().all(), ['a', 'b']);
      assert.deepEqual(
        reader.prepare("SELECT zone FROM event_zones WHERE event_id = 'a' ORDER BY zone").pluck().all(),
        ['porch', 'yard'],
      );
      assert.deepEqual(reader.prepare("SELECT state, actor FROM audit WHERE subject_id = 'a'").all(), [
        { state: 'persisted', actor: 'api' },
      ]);
    } finally {
      reader.close();
      await log.close();
    }
  });

  test('a failing write rejects alone with SQLite code; the rest of its batch commits', async () => {
    const file = migratedFile();
    const log = await EventLog.open({ file, maxBatch: 64 });
    await log.write(persist('taken'));
    const outcomes = await Promise.allSettled([
      log.write(persist('first')),
      log.write(persist('taken')),
      log.write(persist('last')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const failure = (outcomes[1] as PromiseRejectedResult).reason as EventLogError;
    assert.ok(failure instanceof EventLogError);
    assert.equal(failure.code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
    await log.close();
    const reader = openDatabase(file);
    assert.deepEqual(reader.prepare('SELECT id FROM events ORDER BY id').pluck().all(), [
      'first',
      'last',
      'taken',
    ]);
    reader.close();
  });

  test('close commits what was handed over, then refuses more', async () => {
    const file = migratedFile();
    const log = await EventLog.open({ file, maxBatch: 1000 });
    const handedOver = Array.from({ length: 50 }, (_, i) => log.write(persist(`e${i}`)));
    await log.close();
    await Promise.all(handedOver);
    await assert.rejects(log.write(persist('late')), /closed/);
    const reader = openDatabase(file);
    assert.equal(reader.prepare('SELECT count(*) FROM events').pluck().get(), 50);
    reader.close();
  });

  test('descriptions a routing batch stores are indexed for search by the thread within a second, without a search', async () => {
    const file = migratedFile();
    const log = await EventLog.open({ file, maxBatch: 64 });
    await log.write(persist('a'));
    const decision = ['decision', 'low', 'person at the door', '[]', '{}', null, 'a', null] as const;
    await log.write({ op: 'route', ops: [[...decision]] });
    const reader = openDatabase(file);
    const queued = reader.prepare('SELECT count(*) FROM events_fts_backlog').pluck();
    const found = reader.prepare("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'door'").pluck();
    try {
      const deadline = Date.now() + 5000;
      while (queued.get() !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(queued.get(), 0);
      assert.equal(found.get(), 1);
    } finally {
      reader.close();
      await log.close();
    }
  });

  test('a database that cannot be opened fails at open, naming the file', async () => {
    const file = join(tempDir(), 'not-a-db.db');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'this is not SQLite'.repeat(100)));
    await assert.rejects(EventLog.open({ file, maxBatch: 64 }), (err: Error) => {
      assert.ok(err instanceof EventLogError);
      assert.match(err.message, /not-a-db\.db/);
      return true;
    });
  });
});
