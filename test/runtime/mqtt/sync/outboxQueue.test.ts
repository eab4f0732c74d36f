import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { OutboxQueue } from '../../../../runtime/mqtt/sync/outboxQueue';
import { StoreService } from '../../../../runtime/store/storeService';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { tempDir } from '../../../helpers/tempDir';

const SEVERITIES = ['info', 'low', 'critical', 'medium', 'high'];

async function queueWith(rows: number, bytesEach: number) {
  const store = new StoreService({
    file: join(tempDir(), 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger: memoryLogger().logger,
  });
  await store.start();
  after(() => store.stop());
  const insert = store.db.prepare(
    'INSERT INTO outbox (event_id, camera, severity, payload, created_at, bytes, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < rows; i += 1)
    insert.run(`ev-${i}`, 'front', SEVERITIES[i % SEVERITIES.length], '{}', 1000 + i, bytesEach, i + 1);
  return { store, queue: new OutboxQueue(store.db) };
}

describe('outbox queue', () => {
  test('a megabyte limit drops by the policy until the bytes fit, counting each by severity', async () => {
    const { queue } = await queueWith(50, 1000);
    const backlog = queue.backlog();
    assert.deepEqual(backlog, { rows: 50, bytes: 50_000, oldestAt: 1000 });
    const dropped = queue.shrink(backlog, { maxRows: 1000, maxBytes: 30_500 }, 'drop_low_severity');
    // 20 of 1000 bytes must go: the 10 info events, then the 10 low ones.
    assert.deepEqual(dropped, { total: 20, bySeverity: { info: 10, low: 10 } });
    assert.deepEqual(queue.backlog(), { rows: 30, bytes: 30_000, oldestAt: 1002 });
    const rest = queue.nextBatch(100, 1e9).map((r) => r.event_id);
    assert.equal(rest.length, 30);
    assert.ok(
      rest.every((id) => Number(id.slice(3)) % 5 >= 2),
      'only medium, high and critical are left',
    );
  });

  test('drop_oldest takes the oldest whatever their severity; nothing is dropped within the limits', async () => {
    const { queue } = await queueWith(20, 100);
    assert.deepEqual(queue.shrink(queue.backlog(), { maxRows: 20, maxBytes: 2000 }, 'drop_oldest'), {
      total: 0,
      bySeverity: {},
    });
    const dropped = queue.shrink(queue.backlog(), { maxRows: 15, maxBytes: 2000 }, 'drop_oldest');
    assert.equal(dropped.total, 5);
    assert.deepEqual(
      queue.nextBatch(3, 1e9).map((r) => r.event_id),
      ['ev-5', 'ev-6', 'ev-7'],
    );
  });

  test('acknowledging lets rows go once; batches stop before an event still being routed', async () => {
    const { store, queue } = await queueWith(10, 100);
    assert.equal(queue.acknowledge(['ev-0', 'ev-1', 'missing'], 0, 5000), 2);
    assert.equal(queue.acknowledge(['ev-0'], 0, 6000), 0, 'a repeated ack changes nothing');
    assert.equal(queue.nextBatch(100, 1e9)[0]?.event_id, 'ev-2');
    // An event ingested but not routed yet holds back every outbox row after it in ingest order.
    store.db
      .prepare(
        "INSERT INTO events (rowid, id, type, timestamp, received_at, source, correlation_id, severity, fingerprint, state) VALUES (6, 'pending', 'sensor', 0, 0, 'test', 'c', 'info', 'f', 'persisted')",
      )
      .run();
    assert.deepEqual(
      queue.nextBatch(100, 1e9).map((r) => r.event_seq),
      [3, 4, 5],
    );
  });

  test('a batch holds at most maxBytes of payload (and always one row)', async () => {
    const { queue } = await queueWith(10, 1000);
    assert.equal(queue.nextBatch(100, 3500).length, 3);
    assert.equal(queue.nextBatch(100, 10).length, 1, 'a row larger than the limit still goes, alone');
  });

  test('rows are numbered once, without gaps, and keep their number when sent again', async () => {
    const { store, queue } = await queueWith(10, 100);
    const number = (rows: ReturnType<typeof queue.nextBatch>) => store.writer.write(() => queue.number(rows));
    const first = await number(queue.nextBatch(4, 1e9));
    assert.deepEqual(
      first.map((r) => r.sync_seq),
      [1, 2, 3, 4],
    );
    const resent = await number(queue.nextBatch(6, 1e9));
    assert.deepEqual(
      resent.map((r) => r.sync_seq),
      [1, 2, 3, 4, 5, 6],
      'sent again: the same numbers, then the next ones',
    );
    await store.writer.write(() =>
      queue.acknowledge(
        resent.map((r) => r.event_id),
        6,
        7000,
      ),
    );
    assert.equal(queue.ackedThrough(), 6);
    const next = await number(queue.nextBatch(100, 1e9));
    assert.deepEqual(
      next.map((r) => r.sync_seq),
      [7, 8, 9, 10],
    );
  });

  test('a full outbox never drops a row that was sent: the central server may hold it', async () => {
    const { store, queue } = await queueWith(10, 100);
    await store.writer.write(() => queue.number(queue.nextBatch(3, 1e9)));
    const dropped = await store.writer.write(() =>
      queue.shrink(queue.backlog(), { maxRows: 1, maxBytes: 1e9 }, 'drop_oldest'),
    );
    assert.equal(dropped.total, 7);
    assert.deepEqual(
      queue.nextBatch(100, 1e9).map((r) => r.event_id),
      ['ev-0', 'ev-1', 'ev-2'],
    );
  });
});
