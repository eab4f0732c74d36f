import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { insertAudit, insertEnrichment, insertEvent } from '../queries/eventStoreFixture';
import { createApi } from './apiFixture';

const T0 = Date.parse('2024-05-01T10:00:00Z');

describe('query routes', () => {
  const api = createApi();
  before(async () => {
    await api.start();
    const { db } = api;
    for (let i = 0; i < 30; i++) {
      insertEvent(db, {
        id: `ev${i}`,
        timestamp: T0 + Math.floor(i / 4) * 1000,
        camera: i % 2 ? 'front' : 'back',
        type: i % 3 ? 'intrusion' : 'motion',
        severity: i % 5 === 0 ? 'critical' : 'low',
        zones: i % 3 === 0 ? ['porch'] : [],
        description: i === 7 ? 'person loitering by the porch door' : undefined,
      });
    }
    insertAudit(db, 'event', 'ev7', 'received', T0);
    insertAudit(db, 'event', 'ev7', 'persisted', T0 + 1);
    insertEnrichment(db, 'ev7', 'metadata', { camera_name: 'Front' });
    db.prepare(
      "INSERT INTO dead_letters (event_id, stage, reason, payload, created_at) VALUES ('x', 'route', 'webhook down', '{}', 1)",
    ).run();
  });

  test('GET /api/v1/events filters and pages with the cursor', async () => {
    const seen: string[] = [];
    let path = '/api/v1/events?camera=front&type=intrusion,motion&limit=4';
    for (;;) {
      const { status, body } = await api.call(path);
      assert.equal(status, 200);
      const page = body as { events: Array<{ id: string; camera: string }>; next_cursor: string | null };
      assert.ok(page.events.every((e) => e.camera === 'front'));
      seen.push(...page.events.map((e) => e.id));
      if (page.next_cursor === null) break;
      path = `/api/v1/events?camera=front&type=intrusion,motion&limit=4&cursor=${page.next_cursor}`;
    }
    assert.equal(seen.length, 15);
    assert.equal(new Set(seen).size, 15);

    const critical = await api.call(
      `/api/v1/events?severity=critical&zone=porch&since=${new Date(T0).toISOString()}`,
    );
    assert.deepEqual(
      (critical.body.events as Array<{ id: string }>).map((e) => e.id),
      ['ev15', 'ev0'],
    );
    const found = await api.call(`/api/v1/events?q=${encodeURIComponent('porch AND ("')}`);
    assert.equal(found.status, 200);
    const search = await api.call('/api/v1/events?q=loitering%20door');
    assert.deepEqual(
      (search.body.events as Array<{ id: string }>).map((e) => e.id),
      ['ev7'],
    );
  });

  test('invalid query values are 400s naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=501', 'limit'],
      ['since=yesterday', 'since'],
      ['until=2024-99-99', 'until'],
      ['cursor=not!base64', 'cursor'],
      ['cursor=bm9wZQ', 'cursor'],
      ['severity=urgent', 'severity'],
      ['type=burglary', 'type'],
      ['camra=front', 'camra'],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await api.call(`/api/v1/events?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.field, field, query);
      assert.equal(typeof body.error, 'string');
    }
  });

  test('GET /api/v1/events/:id returns enrichments and audit; unknown is 404 naming id', async () => {
    const { status, body } = await api.call('/api/v1/events/ev7');
    assert.equal(status, 200);
    assert.equal(body.id, 'ev7');
    assert.deepEqual(
      (body.audit as Array<{ state: string }>).map((a) => a.state),
      ['received', 'persisted'],
    );
    assert.deepEqual((body.enrichments as Array<{ data: unknown }>)[0]?.data, { camera_name: 'Front' });
    const missing = await api.call('/api/v1/events/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.field, 'id');
    assert.match(String(missing.body.error), /nope/);
  });

  test('GET /api/v1/events/summary counts; a bad `by` names the field', async () => {
    const { status, body } = await api.call('/api/v1/events/summary?by=camera');
    assert.equal(status, 200);
    assert.deepEqual(body.buckets, [
      { key: 'back', count: 15 },
      { key: 'front', count: 15 },
    ]);
    const bad = await api.call('/api/v1/events/summary?by=week');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'by');
    const missing = await api.call('/api/v1/events/summary');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'by');
  });

  test('GET /api/v1/dead-letters lists open ones', async () => {
    const { status, body } = await api.call('/api/v1/dead-letters?open=true');
    assert.equal(status, 200);
    assert.deepEqual(
      (body.dead_letters as Array<{ reason: string }>).map((d) => d.reason),
      ['webhook down'],
    );
    const bad = await api.call('/api/v1/dead-letters?open=maybe');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'open');
  });
});
