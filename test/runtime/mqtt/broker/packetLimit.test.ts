import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventJson } from '../../../../runtime/domain/eventJson';
import { BROKER_MAX_PACKET_BYTES } from '../../../../runtime/mqtt/broker/packetLimit';
import {
  decodeEventBatch,
  type EventBatch,
  encodeSyncMessage,
  MAX_BATCH_BYTES,
  MAX_SIGNED_BATCH_BYTES,
} from '../../../../runtime/mqtt/sync/syncMessages';

/** A control character: JSON writes it as \u0001, 6 bytes for 1 character, the worst there is. */
const WORST = '\u0001';
const KEY = Buffer.alloc(32, 7);
const TOPIC = `vigil/${'d'.repeat(63)}/events`;

/**
 * The largest event the appliance can sync: every field at the limit it is taken in with
 * (runtime/domain/eventModel.ts, runtime/events/eventValidation.ts), free text all worst-case
 * characters, `data` 16 KiB of JSON, the description enricher's 1,000 characters, 8 full tags.
 */
function largestEvent(n: number): EventJson {
  const data: Record<string, unknown> = { note: '' };
  data.note = 'd'.repeat(16 * 1024 - JSON.stringify(data).length);
  assert.equal(Buffer.byteLength(JSON.stringify(data)), 16 * 1024);
  return {
    id: `${n}-`.padEnd(128, 'i'),
    type: 'suspicious_activity',
    timestamp: '2024-01-01T00:00:00.00000000000000+00:00',
    source: WORST.repeat(64),
    camera: 'c'.repeat(64),
    zones: Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(64, 'z')),
    label: WORST.repeat(64),
    object_id: WORST.repeat(128),
    confidence: 0.30000000000000004,
    box: [0.10000000000000002, 0.20000000000000004, 0.30000000000000004, 0.9000000000000001],
    severity: 'critical',
    incident_id: 'n'.repeat(128),
    correlation_id: WORST.repeat(128),
    parent_id: WORST.repeat(128),
    description: WORST.repeat(1000),
    // Tags come from the rules in the config (at most 64 characters each): 8 long ones.
    tags: Array.from({ length: 8 }, (_, i) => `${i}`.padEnd(64, 't')),
    data,
  };
}

/** A batch of `count` of the largest events, with the largest head there is. */
function largestBatch(count: number): EventBatch {
  return {
    v: 2,
    device: 'd'.repeat(63),
    acked_through: Number.MAX_SAFE_INTEGER,
    batch: 'b'.repeat(128),
    sent_at: Number.MAX_SAFE_INTEGER,
    events: Array.from({ length: count }, (_, i) => ({
      seq: Number.MAX_SAFE_INTEGER - count + 1 + i,
      event: largestEvent(i),
    })),
  };
}

test('hundreds of the largest events fit one batch: the byte cap never holds one event back', () => {
  const one = Buffer.byteLength(JSON.stringify(largestBatch(1)));
  assert.ok(one > 16 * 1024, 'the event is as large as it gets, not a small one');
  assert.ok(one * 200 < MAX_BATCH_BYTES, `${one} bytes each`);
});

test('the largest signed batch, in its PUBLISH, fits the broker limit; its unzipped body is taken whole', () => {
  let count = 1;
  while (Buffer.byteLength(JSON.stringify(largestBatch(count + 1))) <= MAX_BATCH_BYTES) count += 1;
  const payload = encodeSyncMessage(TOPIC, largestBatch(count), KEY, false);
  assert.ok(payload.length <= MAX_SIGNED_BATCH_BYTES, `${payload.length} > ${MAX_SIGNED_BATCH_BYTES}`);
  assert.equal(decodeEventBatch(TOPIC, payload, KEY).events.length, count, 'a valid sync message');
  // The PUBLISH around it: fixed header, topic, packet id, MQTT 5 properties.
  const packet = payload.length + 5 + 2 + TOPIC.length + 2 + 64;
  assert.ok(packet <= BROKER_MAX_PACKET_BYTES, `${packet} > ${BROKER_MAX_PACKET_BYTES}`);
});

test('the broker limit leaves room for a snapshot of the largest frame', () => {
  // A 3840×2160 JPEG of pure noise at the snapshot quality is 5.9 MB.
  assert.ok(BROKER_MAX_PACKET_BYTES >= 6_000_000);
});
