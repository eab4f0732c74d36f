import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventJson } from '../../../../runtime/domain/eventJson';
import { MAX_SYNCED_EVENT_BYTES, maxPacketBytes } from '../../../../runtime/mqtt/broker/packetLimit';
import { decodeEventBatch, encodeSyncMessage } from '../../../../runtime/mqtt/sync/syncMessages';

/** A control character: JSON writes it as \u0001, 6 bytes for 1 character, the worst there is. */
const WORST = '\u0001';

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

test('the largest event fits MAX_SYNCED_EVENT_BYTES with its place in the batch', () => {
  const wrapped = `{"seq":${Number.MAX_SAFE_INTEGER},"event":${JSON.stringify(largestEvent(1))}}`;
  const bytes = Buffer.byteLength(wrapped);
  assert.ok(bytes <= MAX_SYNCED_EVENT_BYTES, `${bytes} bytes > ${MAX_SYNCED_EVENT_BYTES}`);
  assert.ok(bytes > 16 * 1024, 'the event is as large as it gets, not a small one');
});

test('a full batch of the largest events, as the central server accepts it, fits max_packet_size', () => {
  const batchSize = 500;
  const batch = {
    v: 1 as const,
    device: 'd'.repeat(63),
    batch: 'b'.repeat(128),
    sent_at: Date.now(),
    events: Array.from({ length: batchSize }, (_, i) => ({
      seq: Number.MAX_SAFE_INTEGER - i,
      event: largestEvent(i),
    })),
  };
  const payload = encodeSyncMessage(batch, false);
  assert.equal(decodeEventBatch(payload).events.length, batchSize, 'a valid sync message');
  // The PUBLISH around it: fixed header, topic <prefix>/<device>/events, packet id, MQTT 5 properties.
  const topic = `vigil/${'d'.repeat(63)}/events`;
  const packet = payload.length + 5 + 2 + topic.length + 2 + 64;
  assert.ok(packet <= maxPacketBytes(batchSize), `${packet} > ${maxPacketBytes(batchSize)}`);
});

test('the limit grows with the batch size and always leaves room for a snapshot', () => {
  assert.equal(maxPacketBytes(500), 500 * 32 * 1024 + 64 * 1024);
  assert.ok(maxPacketBytes(5000) > maxPacketBytes(500));
  // A 3840×2160 JPEG of pure noise at the snapshot quality is 5.9 MB.
  assert.ok(maxPacketBytes(1) >= 6_000_000);
});
