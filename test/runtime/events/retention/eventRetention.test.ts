import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { EventRetention } from '../../../../runtime/events/retention/eventRetention';
import {
  countRows,
  freshStore,
  insertAudit,
  insertEnrichment,
  insertEvent,
  insertIncident,
  insertOutbox,
} from '../queries/eventStoreFixture';

const DAY = 86_400_000;
const NOW = Date.parse('2024-06-01T00:00:00Z');
const OLD = NOW - 40 * DAY;
const RECENT = NOW - DAY;

const remaining = (db: ReturnType<typeof freshStore>['db']) =>
  (db.prepare('SELECT id FROM events ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id);

describe('EventRetention.purgeEvents by age', () => {
  const { db, writer } = freshStore();
  insertIncident(db, { id: 'open', startedAt: OLD });
  insertIncident(db, { id: 'acked', startedAt: OLD, endedAt: OLD + 1, acknowledgedAt: OLD + 2 });
  insertIncident(db, {
    id: 'resolved',
    startedAt: OLD,
    endedAt: OLD + 1,
    acknowledgedAt: OLD + 2,
    resolvedAt: OLD + 3,
  });
  insertIncident(db, { id: 'ended', startedAt: OLD, endedAt: OLD + 1 });
  insertIncident(db, { id: 'ended-mixed', startedAt: OLD, endedAt: RECENT });

  const old = (id: string, extra: Partial<Parameters<typeof insertEvent>[1]> = {}, n = 0) =>
    insertEvent(db, { id, timestamp: OLD + n, description: `old event ${id}`, zones: ['porch'], ...extra });
  old('synced', {}, 1);
  insertOutbox(db, 'synced', OLD + 10);
  old('no-outbox', {}, 2);
  old('unsynced', {}, 3);
  insertOutbox(db, 'unsynced', null);
  old('pending', { state: 'persisted' }, 4);
  old('in-open', { incidentId: 'open' }, 5);
  old('in-acked', { incidentId: 'acked' }, 6);
  old('in-resolved', { incidentId: 'resolved' }, 7);
  old('in-ended', { incidentId: 'ended' }, 8);
  old('in-mixed', { incidentId: 'ended-mixed' }, 9);
  old('unsynced-in-open', { incidentId: 'open' }, 10);
  insertOutbox(db, 'unsynced-in-open', null);
  insertEvent(db, { id: 'recent', timestamp: RECENT, incidentId: 'ended-mixed' });
  insertOutbox(db, 'recent', RECENT + 1);
  for (const id of ['synced', 'unsynced', 'in-ended']) {
    insertAudit(db, 'event', id, 'received', OLD);
    insertEnrichment(db, id, 'metadata', { n: 1 });
  }
  insertAudit(db, 'incident', 'ended', 'ended', OLD + 1);
  insertAudit(db, 'incident', 'open', 'new', OLD);

  test('deletes old events except unsynced and protected ones, and what hangs off them', async () => {
    const retention = new EventRetention({ writer, batchSize: 2 });
    const result = await retention.purgeEvents({ olderThanMs: 30 * DAY, now: NOW });

    assert.deepEqual(remaining(db), [
      'in-acked',
      'in-open',
      'pending',
      'recent',
      'unsynced',
      'unsynced-in-open',
    ]);
    assert.deepEqual(result, { deleted: 5, kept_unsynced: 3, kept_protected: 2, incidents_deleted: 2 });

    // Audit rows, zones, enrichments and acknowledged outbox rows went with their events.
    assert.equal(
      countRows(db, 'audit', "subject_kind = 'event' AND subject_id IN ('synced', 'in-ended')"),
      0,
    );
    assert.equal(countRows(db, 'audit', "subject_kind = 'event' AND subject_id = 'unsynced'"), 1);
    assert.equal(countRows(db, 'enrichments'), 1);
    assert.equal(countRows(db, 'event_zones', "event_id IN ('synced', 'no-outbox', 'in-ended')"), 0);
    assert.equal(countRows(db, 'outbox', "event_id = 'synced'"), 0);
    assert.equal(countRows(db, 'outbox', 'acked_at IS NULL'), 2);

    // Ended incidents with no events left are gone with their audit; others stay.
    const incidents = (db.prepare('SELECT id FROM incidents ORDER BY id').all() as Array<{ id: string }>).map(
      (r) => r.id,
    );
    assert.deepEqual(incidents, ['acked', 'ended-mixed', 'open']);
    assert.equal(countRows(db, 'audit', "subject_kind = 'incident' AND subject_id = 'ended'"), 0);
    assert.equal(countRows(db, 'audit', "subject_kind = 'incident' AND subject_id = 'open'"), 1);

    // The full-text index followed the deletes: it is intact and finds only what is left.
    db.prepare("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')").run();
    const queries = new EventQueries({ db, timeZone: 'UTC' });
    assert.deepEqual(
      queries
        .listEvents({ q: 'old event' })
        .events.map((e) => e.id)
        .sort(),
      ['in-acked', 'in-open', 'pending', 'unsynced', 'unsynced-in-open'],
    );
  });

  test('a second run deletes nothing more and reports the same kept events', async () => {
    const retention = new EventRetention({ writer });
    const result = await retention.purgeEvents({ olderThanMs: 30 * DAY, now: NOW });
    assert.deepEqual(result, { deleted: 0, kept_unsynced: 3, kept_protected: 2, incidents_deleted: 0 });
  });

  test('once acknowledged by the server, and the incident resolved, they go too', async () => {
    db.prepare('UPDATE outbox SET acked_at = ?').run(NOW);
    db.prepare("UPDATE events SET state = 'routed' WHERE id = 'pending'").run();
    db.prepare('UPDATE incidents SET ended_at = ?, resolved_at = ?').run(NOW, NOW);
    const result = await new EventRetention({ writer }).purgeEvents({ olderThanMs: 30 * DAY, now: NOW });
    assert.equal(result.deleted, 5);
    assert.deepEqual(remaining(db), ['recent']);
  });
});

describe('EventRetention.purgeEvents with a row cap', () => {
  test('deletes the oldest first down to maxRows, skipping unsynced and protected events', async () => {
    const { db, writer } = freshStore();
    insertIncident(db, { id: 'open', startedAt: NOW });
    for (let i = 0; i < 20; i++)
      insertEvent(db, { id: `c${String(i).padStart(2, '0')}`, timestamp: RECENT + i });
    insertOutbox(db, 'c00', null);
    db.prepare("UPDATE events SET incident_id = 'open' WHERE id = 'c01'").run();

    const result = await new EventRetention({ writer, batchSize: 3 }).purgeEvents({
      olderThanMs: 30 * DAY,
      maxRows: 12,
      now: NOW,
    });
    assert.equal(countRows(db, 'events'), 12);
    assert.deepEqual(remaining(db), ['c00', 'c01', ...Array.from({ length: 10 }, (_, i) => `c${i + 10}`)]);
    assert.deepEqual(result, { deleted: 8, kept_unsynced: 1, kept_protected: 1, incidents_deleted: 0 });
  });

  test('a cap that only kept events stand in the way of is left unmet, not forced', async () => {
    const { db, writer } = freshStore();
    for (let i = 0; i < 5; i++) {
      insertEvent(db, { id: `u${i}`, timestamp: RECENT + i });
      insertOutbox(db, `u${i}`, null);
    }
    insertEvent(db, { id: 'done', timestamp: RECENT + 10 });
    const result = await new EventRetention({ writer }).purgeEvents({
      olderThanMs: 30 * DAY,
      maxRows: 2,
      now: NOW,
    });
    assert.deepEqual(result, { deleted: 1, kept_unsynced: 5, kept_protected: 0, incidents_deleted: 0 });
    assert.equal(countRows(db, 'events'), 5);
  });

  test('bad options are refused before anything is deleted', async () => {
    const { db, writer } = freshStore();
    insertEvent(db, { id: 'x', timestamp: 0 });
    const retention = new EventRetention({ writer });
    await assert.rejects(retention.purgeEvents({ olderThanMs: -1, now: NOW }), /olderThanMs/);
    await assert.rejects(retention.purgeEvents({ olderThanMs: 0, maxRows: 1.5, now: NOW }), /maxRows/);
    assert.equal(countRows(db, 'events'), 1);
  });
});
