import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestError } from '../../../../base/requestError';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { freshStore, insertEvent } from './eventStoreFixture';

const HOUR = 3_600_000;

describe('EventQueries.aggregates', () => {
  const { db } = freshStore();
  const t = (iso: string) => Date.parse(iso);
  // Berlin: UTC+2 in summer. 2024-10-27 01:00Z the clocks go back: local 02:00–03:00 happens twice.
  const seed: Array<[string, string, string]> = [
    ['a1', '2024-05-01T08:10:00Z', 'front'],
    ['a2', '2024-05-01T08:50:00Z', 'front'],
    ['a3', '2024-05-01T09:05:00Z', 'back'],
    ['a4', '2024-05-01T21:59:00Z', 'front'], // 23:59 local, still May 1st
    ['a5', '2024-05-01T22:01:00Z', 'back'], // 00:01 local on May 2nd
    ['d1', '2024-10-27T00:30:00Z', 'front'], // 02:30 CEST
    ['d2', '2024-10-27T01:30:00Z', 'front'], // 02:30 CET, the repeated hour
  ];
  for (const [id, iso, camera] of seed)
    insertEvent(db, { id, timestamp: t(iso), camera, label: id.startsWith('a') ? 'person' : 'car' });
  const queries = new EventQueries({ db, timeZone: 'Europe/Berlin', now: () => t('2024-05-02T06:00:00Z') });

  test('by camera counts most first, within the range', () => {
    assert.deepEqual(queries.aggregates({ by: 'camera' }).buckets, [
      { key: 'front', count: 5 },
      { key: 'back', count: 2 },
    ]);
    const may = queries.aggregates({
      by: 'camera',
      since: '2024-05-01T00:00:00Z',
      until: '2024-05-02T00:00:00Z',
    });
    assert.deepEqual(may.buckets, [
      { key: 'front', count: 3 },
      { key: 'back', count: 2 },
    ]);
    assert.equal(may.time_zone, null);
  });

  test('by label and type', () => {
    assert.deepEqual(queries.aggregates({ by: 'label' }).buckets, [
      { key: 'person', count: 5 },
      { key: 'car', count: 2 },
    ]);
    assert.deepEqual(queries.aggregates({ by: 'type' }).buckets, [{ key: 'object_detected', count: 7 }]);
  });

  test('by hour uses local hours and defaults to the last 24 h', () => {
    const result = queries.aggregates({ by: 'hour' });
    assert.equal(result.time_zone, 'Europe/Berlin');
    assert.equal(result.until, t('2024-05-02T06:00:00Z'));
    assert.equal(result.since, t('2024-05-02T06:00:00Z') - 24 * HOUR);
    assert.deepEqual(result.buckets, [
      { key: '2024-05-01T10:00+02:00', count: 2 },
      { key: '2024-05-01T11:00+02:00', count: 1 },
      { key: '2024-05-01T23:00+02:00', count: 1 },
      { key: '2024-05-02T00:00+02:00', count: 1 },
    ]);
    assert.deepEqual(
      queries.aggregates({ by: 'hour', camera: 'back' }).buckets.map((b) => b.key),
      ['2024-05-01T11:00+02:00', '2024-05-02T00:00+02:00'],
    );
  });

  test('the repeated autumn hour is two buckets; days follow the local date', () => {
    const autumn = { since: '2024-10-26T00:00:00Z', until: '2024-10-28T00:00:00Z' };
    assert.deepEqual(queries.aggregates({ by: 'hour', ...autumn }).buckets, [
      { key: '2024-10-27T02:00+02:00', count: 1 },
      { key: '2024-10-27T02:00+01:00', count: 1 },
    ]);
    assert.deepEqual(queries.aggregates({ by: 'day', since: 0, until: t('2025-01-01T00:00:00Z') }).buckets, [
      { key: '2024-05-01', count: 4 },
      { key: '2024-05-02', count: 1 },
      { key: '2024-10-27', count: 2 },
    ]);
  });

  test('UTC keys carry +00:00; a bad `by` or zone is refused', () => {
    const utc = new EventQueries({ db, timeZone: 'UTC', now: () => t('2024-05-02T06:00:00Z') });
    assert.equal(utc.aggregates({ by: 'hour' }).buckets[0]?.key, '2024-05-01T08:00+00:00');
    assert.throws(
      () => queries.aggregates({ by: 'week' }),
      (err: unknown) => err instanceof RequestError && err.field === 'by',
    );
    assert.throws(
      () => new EventQueries({ db, timeZone: 'Mars/Olympus' }),
      /device\.timezone: 'Mars\/Olympus'/,
    );
  });
});
