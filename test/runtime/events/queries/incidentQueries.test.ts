import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestError } from '../../../../base/requestError';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { freshStore, insertAudit, insertEvent, insertIncident } from './eventStoreFixture';

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('EventQueries incidents', () => {
  const { db } = freshStore();
  insertIncident(db, { id: 'open1', startedAt: T0, camera: 'front', severity: 'critical' });
  insertIncident(db, {
    id: 'ended1',
    startedAt: T0 + 10,
    camera: 'back',
    label: 'car',
    severity: 'medium',
    endedAt: T0 + 20,
  });
  insertIncident(db, {
    id: 'ack1',
    startedAt: T0 + 20,
    camera: 'front',
    endedAt: T0 + 30,
    acknowledgedAt: T0 + 40,
  });
  insertIncident(db, {
    id: 'res1',
    startedAt: T0 + 30,
    camera: 'front',
    severity: 'low',
    acknowledgedAt: T0 + 40,
    resolvedAt: T0 + 50,
  });
  for (let i = 0; i < 120; i++) {
    insertEvent(db, { id: `o${String(i).padStart(3, '0')}`, timestamp: T0 + 1000 - i, incidentId: 'open1' });
  }
  insertAudit(db, 'incident', 'open1', 'new', T0);
  insertAudit(db, 'incident', 'open1', 'update', T0 + 5);
  insertAudit(db, 'event', 'open1', 'received', T0);
  const queries = new EventQueries({ db, timeZone: 'UTC' });
  const ids = (filter: Parameters<EventQueries['listIncidents']>[0]) =>
    queries.listIncidents(filter).incidents.map((i) => i.id);

  test('filters by camera, label, severity minimum, time and derived state', () => {
    assert.deepEqual(ids({}), ['res1', 'ack1', 'ended1', 'open1']);
    assert.deepEqual(ids({ camera: 'front' }), ['res1', 'ack1', 'open1']);
    assert.deepEqual(ids({ label: 'car' }), ['ended1']);
    assert.deepEqual(ids({ severity: 'high' }), ['ack1', 'open1']);
    assert.deepEqual(ids({ since: T0 + 10, until: T0 + 30 }), ['ack1', 'ended1']);
    assert.deepEqual(ids({ state: 'open' }), ['open1']);
    assert.deepEqual(ids({ state: 'ended' }), ['ended1']);
    assert.deepEqual(ids({ state: 'acknowledged' }), ['ack1']);
    assert.deepEqual(ids({ state: 'resolved' }), ['res1']);
    assert.throws(
      () => ids({ state: 'closed' }),
      (err: unknown) => err instanceof RequestError && err.field === 'state',
    );
  });

  test('pages by started_at with a cursor', () => {
    const first = queries.listIncidents({ limit: 3 });
    assert.deepEqual(
      first.incidents.map((i) => i.id),
      ['res1', 'ack1', 'ended1'],
    );
    assert.ok(first.next_cursor);
    const second = queries.listIncidents({ limit: 3, cursor: first.next_cursor });
    assert.deepEqual(
      second.incidents.map((i) => i.id),
      ['open1'],
    );
    assert.equal(second.next_cursor, null);
  });

  test('getIncident returns status, its first 100 events oldest first, and its own audit trail', () => {
    const incident = queries.getIncident('open1');
    assert.ok(incident);
    assert.equal(incident.status, 'open');
    assert.deepEqual(incident.zones, ['porch']);
    assert.equal(incident.events.length, 100);
    assert.equal(incident.events[0]?.id, 'o119');
    assert.ok(incident.events.every((e, i, all) => i === 0 || (all[i - 1]?.timestamp ?? 0) <= e.timestamp));
    assert.deepEqual(
      incident.audit.map((a) => a.state),
      ['new', 'update'],
    );
    assert.equal(queries.getIncident('ack1')?.status, 'acknowledged');
    assert.equal(queries.getIncident('nope'), undefined);
  });
});
