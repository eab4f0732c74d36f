import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestError } from '../../../../base/requestError';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { freshStore, insertAudit, insertEnrichment, insertEvent } from './eventStoreFixture';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const MIN = 60_000;

function seeded() {
  const { db } = freshStore();
  insertEvent(db, {
    id: 'e1',
    timestamp: T0,
    camera: 'front',
    type: 'intrusion',
    label: 'person',
    zones: ['porch'],
    severity: 'high',
    description: '1 person in zone porch at Front, face: unknown',
  });
  insertEvent(db, {
    id: 'e2',
    timestamp: T0 + MIN,
    camera: 'back',
    type: 'suspicious_activity',
    label: 'car',
    zones: ['driveway'],
    severity: 'medium',
    description: 'car parked in driveway at Back',
  });
  insertEvent(db, {
    id: 'e3',
    timestamp: T0 + 2 * MIN,
    camera: 'front',
    type: 'motion',
    label: null,
    zones: [],
    severity: 'info',
  });
  insertEvent(db, {
    id: 'e4',
    timestamp: T0 + 3 * MIN,
    camera: 'front',
    type: 'face_blacklisted',
    label: 'person',
    zones: ['porch', 'door'],
    severity: 'critical',
    description: 'blacklisted person Mallory at the door',
  });
  insertEvent(db, {
    id: 'e5',
    timestamp: T0 + 4 * MIN,
    camera: null,
    type: 'sensor',
    label: 'pir',
    severity: 'low',
    description: 'PIR sensor triggered in garage',
  });
  return { db, queries: new EventQueries({ db, timeZone: 'UTC' }) };
}

const ids = (page: { events: Array<{ id: string }> }) => page.events.map((e) => e.id);

/** Runs fn and returns the RequestError it threw, failing if it did not throw one. */
function requestError(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RequestError, `expected a RequestError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a RequestError, nothing was thrown');
}

describe('EventQueries.listEvents filters', () => {
  const { queries } = seeded();

  test('no filter lists everything newest first', () => {
    assert.deepEqual(ids(queries.listEvents()), ['e5', 'e4', 'e3', 'e2', 'e1']);
  });

  test('camera, label and type (one or a comma list) each narrow', () => {
    assert.deepEqual(ids(queries.listEvents({ camera: 'front' })), ['e4', 'e3', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ label: 'person' })), ['e4', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ type: 'motion' })), ['e3']);
    assert.deepEqual(ids(queries.listEvents({ type: 'intrusion, sensor' })), ['e5', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ camera: 'front', label: 'person', type: 'intrusion' })), [
      'e1',
    ]);
  });

  test('zone matches any of an event’s zones', () => {
    assert.deepEqual(ids(queries.listEvents({ zone: 'porch' })), ['e4', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ zone: 'door' })), ['e4']);
    assert.deepEqual(ids(queries.listEvents({ zone: 'nowhere' })), []);
  });

  test('severity is a minimum', () => {
    assert.deepEqual(ids(queries.listEvents({ severity: 'high' })), ['e4', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ severity: 'critical' })), ['e4']);
    assert.deepEqual(ids(queries.listEvents({ severity: 'low' })), ['e5', 'e4', 'e2', 'e1']);
  });

  test('since is inclusive and until exclusive, as epoch ms or ISO', () => {
    assert.deepEqual(ids(queries.listEvents({ since: T0 + MIN, until: T0 + 3 * MIN })), ['e3', 'e2']);
    assert.deepEqual(
      ids(queries.listEvents({ since: '2024-05-01T10:01:00Z', until: String(T0 + 3 * MIN) })),
      ['e3', 'e2'],
    );
  });

  test('q finds description words, all of them', () => {
    assert.deepEqual(ids(queries.listEvents({ q: 'porch' })), ['e1']);
    assert.deepEqual(ids(queries.listEvents({ q: 'person' })), ['e4', 'e1']);
    assert.deepEqual(ids(queries.listEvents({ q: 'person door' })), ['e4']);
    assert.deepEqual(ids(queries.listEvents({ q: 'PIR' })), ['e5']);
    assert.deepEqual(ids(queries.listEvents({ q: 'person', camera: 'front', severity: 'critical' })), ['e4']);
    assert.deepEqual(ids(queries.listEvents({ q: '   ' })).length, 5, 'a blank q is no filter');
  });

  test('hostile q never errors and is taken literally', () => {
    for (const q of [
      '"',
      '*',
      'AND (',
      'NEAR(a b',
      "'; DROP TABLE events; --",
      'description:x',
      '^a -b +c',
      ')))(((',
      '"""person',
    ]) {
      assert.doesNotThrow(() => queries.listEvents({ q }), `q=${q}`);
    }
    assert.deepEqual(ids(queries.listEvents({ q: '"*' })), []);
    assert.deepEqual(
      ids(queries.listEvents({ q: 'person AND (' })),
      [],
      'AND is a word to find, not an operator',
    );
    assert.deepEqual(ids(queries.listEvents({ q: '"person"*' })), ['e4', 'e1']);
  });

  test('bad values are 400s naming the field', () => {
    assert.equal(requestError(() => queries.listEvents({ limit: 0 })).field, 'limit');
    assert.equal(requestError(() => queries.listEvents({ limit: 501 })).field, 'limit');
    assert.equal(requestError(() => queries.listEvents({ since: 'yesterday' })).field, 'since');
    assert.equal(requestError(() => queries.listEvents({ until: '2024-13-45T99:00Z' })).field, 'until');
    assert.equal(requestError(() => queries.listEvents({ type: 'intrusion,burglary' })).field, 'type');
    assert.equal(requestError(() => queries.listEvents({ severity: 'urgent' })).field, 'severity');
    const cursor = requestError(() => queries.listEvents({ cursor: 'bm90LWpzb24' }));
    assert.equal(cursor.kind, 'invalid');
    assert.equal(cursor.field, 'cursor');
    assert.equal(
      requestError(() => queries.listEvents({ cursor: Buffer.from('[1]').toString('base64url') })).field,
      'cursor',
    );
  });
});

describe('EventQueries.listEvents pagination', () => {
  test('walks every row exactly once, newest first, through runs of equal timestamps', () => {
    const { db } = freshStore();
    const total = 237;
    // Ten events share each timestamp, inserted in shuffled order so rowid order ≠ id order.
    const order = Array.from({ length: total }, (_, i) => i).sort(
      (a, b) => ((a * 7919) % total) - ((b * 7919) % total),
    );
    for (const i of order)
      insertEvent(db, {
        id: `p${i}`,
        timestamp: T0 + Math.floor(i / 10) * 1000,
        camera: i % 3 === 0 ? 'front' : 'back',
      });
    const queries = new EventQueries({ db, timeZone: 'UTC' });

    for (const [filter, expected] of [
      [{}, total],
      [{ camera: 'front' }, Math.ceil(total / 3)],
    ] as const) {
      const seen: string[] = [];
      const times: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = queries.listEvents({ ...filter, limit: 20, ...(cursor && { cursor }) });
        seen.push(...page.events.map((e) => e.id));
        times.push(...page.events.map((e) => e.timestamp));
        cursor = page.next_cursor ?? undefined;
        pages++;
        assert.ok(pages < 100, 'pagination does not end');
      } while (cursor);
      assert.equal(seen.length, expected);
      assert.equal(new Set(seen).size, expected, 'no duplicates');
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      assert.equal(pages, Math.ceil(expected / 20));
    }
  });

  test('the last page has no cursor, also when it is exactly full', () => {
    const { db } = freshStore();
    for (let i = 0; i < 4; i++) insertEvent(db, { id: `x${i}`, timestamp: T0 });
    const queries = new EventQueries({ db, timeZone: 'UTC' });
    const first = queries.listEvents({ limit: 2 });
    assert.ok(first.next_cursor);
    const second = queries.listEvents({ limit: 2, cursor: first.next_cursor });
    assert.equal(second.events.length, 2);
    assert.equal(second.next_cursor, null);
  });
});

describe('EventQueries.getEvent', () => {
  test('returns parsed JSON columns, enrichments and the audit trail in order', () => {
    const { db, queries } = seeded();
    insertEvent(db, { id: 'd1', timestamp: T0, zones: ['porch'], data: { face: 'unknown' } });
    db.prepare(`UPDATE events SET box = '[0.1,0.2,0.3,0.4]', tags = '["night"]' WHERE id = 'd1'`).run();
    insertAudit(db, 'event', 'd1', 'received', T0 + 2);
    insertAudit(db, 'event', 'other', 'received', T0);
    insertAudit(db, 'event', 'd1', 'validated', T0 + 1); // an earlier clock reading, but appended later
    insertAudit(db, 'incident', 'd1', 'open', T0); // same id, other kind: not this event's trail
    insertAudit(db, 'event', 'd1', 'persisted', T0 + 3, 'stored');
    insertEnrichment(db, 'd1', 'metadata', { local_time: '12:00' });
    insertEnrichment(db, 'd1', 'description', { text: 'a person' });

    const event = queries.getEvent('d1');
    assert.ok(event);
    assert.deepEqual(event.box, [0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual(event.zones, ['porch']);
    assert.deepEqual(event.data, { face: 'unknown' });
    assert.deepEqual(event.tags, ['night']);
    assert.equal(event.received_at, T0 + 5);
    assert.equal(event.correlation_id, 'corr-d1');
    assert.deepEqual(
      event.audit.map((a) => [a.state, a.reason]),
      [
        ['received', null],
        ['validated', null],
        ['persisted', 'stored'],
      ],
    );
    assert.deepEqual(
      event.enrichments.map((e) => [e.enricher, e.data]),
      [
        ['description', { text: 'a person' }],
        ['metadata', { local_time: '12:00' }],
      ],
    );
    assert.equal(queries.getEvent('missing'), undefined);
  });
});

describe('EventQueries.listDeadLetters', () => {
  test('open filters unresolved ones; payload is parsed', () => {
    const { db } = freshStore();
    const add = db.prepare(
      'INSERT INTO dead_letters (event_id, stage, reason, payload, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    add.run('a', 'persist', 'disk full', '{"type":"motion"}', T0, null);
    add.run('b', 'route', 'webhook 500', '{"type":"sensor"}', T0 + 1, T0 + 2);
    add.run('c', 'enrich', 'bug', 'not json', T0 + 3, null);
    const queries = new EventQueries({ db, timeZone: 'UTC' });
    assert.deepEqual(
      queries.listDeadLetters({ open: true }).dead_letters.map((d) => [d.event_id, d.payload]),
      [
        ['c', 'not json'],
        ['a', { type: 'motion' }],
      ],
    );
    assert.deepEqual(
      queries.listDeadLetters({ open: false }).dead_letters.map((d) => d.event_id),
      ['b'],
    );
    const first = queries.listDeadLetters({ limit: 2 });
    assert.equal(first.dead_letters.length, 2);
    const rest = queries.listDeadLetters({ limit: 2, cursor: first.next_cursor ?? '' });
    assert.deepEqual(
      rest.dead_letters.map((d) => d.event_id),
      ['a'],
    );
  });
});
