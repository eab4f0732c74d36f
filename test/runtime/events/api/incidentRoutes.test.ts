import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { countRows, insertEvent, insertIncident } from '../queries/eventStoreFixture';
import { createApi } from './apiFixture';

describe('incident routes', () => {
  const api = createApi();
  before(async () => {
    await api.start();
    insertIncident(api.db, { id: 'i1', startedAt: 1000, endedAt: 2000 });
    insertIncident(api.db, { id: 'i2', startedAt: 3000 });
    insertEvent(api.db, { id: 'e1', timestamp: 1500, incidentId: 'i1' });
  });

  test('list and detail', async () => {
    const list = await api.call('/api/v1/incidents?state=open');
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body.incidents as Array<{ id: string }>).map((i) => i.id),
      ['i2'],
    );
    const detail = await api.call('/api/v1/incidents/i1');
    assert.equal(detail.status, 200);
    assert.deepEqual(
      (detail.body.events as Array<{ id: string }>).map((e) => e.id),
      ['e1'],
    );
    const missing = await api.call('/api/v1/incidents/zzz');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.field, 'id');
    const bad = await api.call('/api/v1/incidents?state=closed');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'state');
  });

  test('acknowledge (with or without a body), resolve twice, then acknowledge is 409', async () => {
    const acked = await api.call('/api/v1/incidents/i1/acknowledge', {
      method: 'POST',
      body: { note: 'on it' },
    });
    assert.equal(acked.status, 200);
    assert.equal(acked.body.status, 'acknowledged');
    const bodiless = await api.call('/api/v1/incidents/i2/acknowledge', { method: 'POST' });
    assert.equal(bodiless.status, 200, JSON.stringify(bodiless.body));

    const resolved = await api.call('/api/v1/incidents/i1/resolve', { method: 'POST', body: {} });
    assert.equal(resolved.status, 200);
    const again = await api.call('/api/v1/incidents/i1/resolve', { method: 'POST', body: {} });
    assert.deepEqual(again.body, resolved.body);
    const late = await api.call('/api/v1/incidents/i1/acknowledge', { method: 'POST', body: {} });
    assert.equal(late.status, 409);

    const detail = await api.call('/api/v1/incidents/i1');
    assert.deepEqual(
      (detail.body.audit as Array<{ state: string; actor: string; reason: string | null }>).map((a) => [
        a.state,
        a.actor,
        a.reason,
      ]),
      [
        ['acknowledged', 'api', 'on it'],
        ['resolved', 'api', null],
      ],
    );
  });

  test('bad bodies and unknown ids name the field and change nothing', async () => {
    const before = countRows(api.db, 'audit');
    const long = await api.call('/api/v1/incidents/i2/resolve', {
      method: 'POST',
      body: { note: 'x'.repeat(1001) },
    });
    assert.equal(long.status, 400);
    assert.equal(long.body.field, 'note');
    const extra = await api.call('/api/v1/incidents/i2/resolve', { method: 'POST', body: { reason: 'x' } });
    assert.equal(extra.status, 400);
    assert.equal(extra.body.field, 'reason');
    const ghost = await api.call('/api/v1/incidents/ghost/resolve', { method: 'POST', body: {} });
    assert.equal(ghost.status, 404);
    assert.equal(ghost.body.field, 'id');
    assert.equal(countRows(api.db, 'audit'), before);
  });
});
