import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newEventId } from '../../../runtime/events/eventId';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('event ids', () => {
  test('are UUIDv7 with the time first, and unique across many refills of the random pool', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const ids = Array.from({ length: 5000 }, (_, i) => newEventId(now + i));
    for (const id of ids) assert.match(id, UUID_V7);
    assert.equal(new Set(ids).size, ids.length);
    // Same millisecond: the random part tells them apart.
    const same = Array.from({ length: 5000 }, () => newEventId(now));
    assert.equal(new Set(same.map((id) => id.slice(14))).size, same.length);
    assert.equal(ids[0]?.slice(0, 13).replace('-', ''), now.toString(16).padStart(12, '0'));
    assert.deepEqual([...ids].sort(), ids, 'later ids sort after earlier ones');
  });
});
