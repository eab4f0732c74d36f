import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { hmacSha256 } from '../../../../base/hmac';
import { eventToJson } from '../../../../runtime/domain/eventJson';
import {
  decodeAck,
  decodeEventBatch,
  encodeSyncMessage,
  MAX_BATCH_BYTES,
  SyncMessageError,
  signSyncBody,
} from '../../../../runtime/mqtt/sync/syncMessages';
import { makeEvent } from '../../rules/ruleTestKit';

const KEY = randomBytes(32);
const TOPIC = 'vigil/porch/events';

function batch(events: Array<{ seq: number; event: unknown }>, ackedThrough = 0) {
  return { v: 2, device: 'porch', acked_through: ackedThrough, batch: 'b-1', sent_at: 1, events };
}

function signed(value: unknown, options: { topic?: string; key?: Buffer; gzip?: boolean } = {}): Buffer {
  return signSyncBody(
    options.topic ?? TOPIC,
    Buffer.from(JSON.stringify(value)),
    options.key ?? KEY,
    options.gzip ?? false,
  );
}

function refusedFor(payload: Buffer, field: RegExp, topic = TOPIC): void {
  assert.throws(
    () => decodeEventBatch(topic, payload, KEY),
    (err: unknown) => err instanceof SyncMessageError && field.test(err.message),
  );
}

describe('sync messages: signed, bounded, the event wire shape', () => {
  test('a batch as the appliance writes it decodes, plain and gzip’d', () => {
    const event = eventToJson(makeEvent(), { description: 'a person on the porch', tags: ['alert'] });
    const value = batch([{ seq: 1, event }]);
    assert.deepEqual(decodeEventBatch(TOPIC, signed(value), KEY).events[0]?.event, event);
    assert.deepEqual(decodeEventBatch(TOPIC, signed(value, { gzip: true }), KEY).events[0]?.event, event);
  });

  test('unsigned, wrongly signed, or signed for another topic: refused before anything is parsed', () => {
    const value = batch([{ seq: 1, event: eventToJson(makeEvent()) }]);
    refusedFor(Buffer.from(JSON.stringify(value)), /^signature/);
    refusedFor(signed(value, { key: randomBytes(32) }), /^signature/);
    refusedFor(signed(value, { topic: 'vigil/garage/events' }), /^signature/);
    const tampered = signed(value);
    tampered.writeUInt8((tampered.at(-3) ?? 0) ^ 1, tampered.length - 3);
    refusedFor(tampered, /^signature/);
    // An ack is signed for its own topic: a batch signature does not make it an ack.
    assert.throws(
      () => decodeAck('vigil/porch/ack', signed({ v: 2, batch: 'b', ids: [] }), KEY),
      /signature/,
    );
  });

  test('a signed gzip bomb stops at the size limit instead of filling memory', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    const payload = Buffer.concat([Buffer.from(`${hmacSha256(KEY, TOPIC, bomb)}\n`), bomb]);
    const before = process.memoryUsage().rss;
    refusedFor(
      payload,
      new RegExp(`^payload: is not JSON \\(or gzip'd JSON\\) of at most ${MAX_BATCH_BYTES} bytes`),
    );
    assert.ok(process.memoryUsage().rss - before < 48 * 1024 * 1024, 'the bomb was not unzipped whole');
  });

  test('the sequence moves forward by at most the batch: no gap inside, none after the last ack', () => {
    const event = (n: number) => eventToJson(makeEvent({ id: `ev-${n}` }));
    assert.equal(
      decodeEventBatch(TOPIC, signed(batch([{ seq: 5, event: event(5) }], 4)), KEY).events.length,
      1,
    );
    assert.equal(
      decodeEventBatch(
        TOPIC,
        signed(
          batch(
            [
              { seq: 3, event: event(3) },
              { seq: 4, event: event(4) },
            ],
            4,
          ),
        ),
        KEY,
      ).events.length,
      2,
      'a repeat of acknowledged events (a lost ack) is fine',
    );
    refusedFor(
      signed(batch([{ seq: 999_999, event: event(1) }], 4)),
      /^events\.0\.seq: is 999999, but 4 is the last/,
    );
    refusedFor(
      signed(
        batch(
          [
            { seq: 5, event: event(5) },
            { seq: 7, event: event(7) },
          ],
          4,
        ),
      ),
      /^events\.1\.seq/,
    );
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
    for (const [event, field] of cases) refusedFor(signed(batch([{ seq: 1, event }])), field);
  });

  test('acks round-trip with the key they were signed with', () => {
    const ack = { v: 2 as const, batch: 'b-9', ids: ['a', 'b'] };
    assert.deepEqual(
      decodeAck('vigil/porch/ack', encodeSyncMessage('vigil/porch/ack', ack, KEY, false), KEY),
      ack,
    );
  });
});
