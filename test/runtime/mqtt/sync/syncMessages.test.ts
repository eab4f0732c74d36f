import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { eventToJson } from '../../../../runtime/domain/eventJson';
import { decodeEventBatch, SyncMessageError } from '../../../../runtime/mqtt/sync/syncMessages';
import { makeEvent } from '../../rules/ruleTestKit';

function batchOf(event: unknown): Buffer {
  return Buffer.from(
    JSON.stringify({ v: 1, device: 'porch', batch: 'b-1', sent_at: 1, events: [{ seq: 1, event }] }),
  );
}

describe('sync batches carry the event wire shape (EventJson)', () => {
  test('an event as the appliance writes it decodes, plain and gzip’d', () => {
    const event = eventToJson(makeEvent(), { description: 'a person on the porch', tags: ['alert'] });
    assert.deepEqual(decodeEventBatch(batchOf(event)).events[0]?.event, event);
    assert.deepEqual(decodeEventBatch(gzipSync(batchOf(event))).events[0]?.event, event);
  });

  test('an event that is not one is refused, naming the field', () => {
    const good = eventToJson(makeEvent());
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, type: 'burglary' }, /events\.0\.event\.type/],
      [{ ...good, severity: 'urgent' }, /events\.0\.event\.severity/],
      [{ ...good, box: [0, 0, 1] }, /events\.0\.event\.box/],
      [{ ...good, extra: true }, /events\.0\.event/],
      [{ ...good, timestamp: 'yesterday' }, /events\.0\.event\.timestamp/],
      [(({ correlation_id: _, ...rest }) => rest)(good), /events\.0\.event/],
    ];
    for (const [event, field] of cases) {
      assert.throws(
        () => decodeEventBatch(batchOf(event)),
        (err: unknown) => err instanceof SyncMessageError && field.test(err.message),
        JSON.stringify(event).slice(0, 80),
      );
    }
  });
});
