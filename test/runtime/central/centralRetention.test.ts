import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CENTRAL_MIGRATIONS } from '../../../runtime/central/centralMigrations';
import { CentralRetention } from '../../../runtime/central/centralRetention';
import { eventToJson } from '../../../runtime/domain/eventJson';
import { Metrics } from '../../../runtime/metrics/metrics';
import { StoreService } from '../../../runtime/store/storeService';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { makeEvent } from '../rules/ruleTestKit';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

async function centralStore(): Promise<StoreService> {
  const store = new StoreService({
    file: join(tempDir(), 'central.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger: memoryLogger().logger,
    migrations: CENTRAL_MIGRATIONS,
  });
  await store.start();
  after(() => store.stop());
  return store;
}

/**
 * Stores `count` events of `device` from seq `from`, `ageDays` before `now`, with the row the
 * receiver's CentralStore writes (the usage triggers count whoever inserts).
 */
function receive(
  store: StoreService,
  device: string,
  from: number,
  count: number,
  ageDays: number,
  now = NOW,
): void {
  const insert = store.db.prepare(
    `INSERT INTO events (device, id, seq, camera, type, severity, timestamp, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  store.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const event = eventToJson(
        makeEvent({
          id: `${device}-${from + i}`,
          type: 'sensor',
          timestamp: now - ageDays * DAY_MS + i,
          camera: 'front',
          severity: 'info',
          label: 'pir',
          data: { note: 'x'.repeat(400), n: from + i },
        }),
      );
      insert.run(
        device,
        event.id,
        from + i,
        'front',
        'sensor',
        'info',
        Date.parse(event.timestamp),
        now,
        JSON.stringify(event),
      );
    }
  })();
}

function seqs(store: StoreService, device: string): number[] {
  return (
    store.db.prepare('SELECT seq FROM events WHERE device = ? ORDER BY seq').all(device) as Array<{
      seq: number;
    }>
  ).map((r) => r.seq);
}

function payloadBytes(store: StoreService, device: string): number {
  const row = store.db
    .prepare('SELECT COALESCE(SUM(length(CAST(payload AS BLOB))), 0) AS bytes FROM events WHERE device = ?')
    .get(device) as { bytes: number };
  return row.bytes;
}

function usage(store: StoreService, device: string): number {
  return (
    store.db.prepare('SELECT bytes FROM device_usage WHERE device = ?').get(device) as { bytes: number }
  ).bytes;
}

describe('central retention', () => {
  test('deletes by age and by size per device, oldest first, counted and logged', async () => {
    const store = await centralStore();
    receive(store, 'old-pi', 1, 10, 120);
    receive(store, 'old-pi', 11, 10, 1);
    receive(store, 'busy-pi', 1, 300, 2);
    const before = payloadBytes(store, 'busy-pi');
    assert.equal(usage(store, 'busy-pi'), before, 'the triggers count what the receiver stores');

    const metrics = new Metrics();
    const { logger, lines } = memoryLogger();
    const limitMb = 0.05;
    const retention = new CentralRetention({
      retention: { days: 90, max_mb_per_device: limitMb },
      store,
      logger,
      metrics,
      now: () => NOW,
    });
    const result = await retention.sweep();

    assert.deepEqual(
      seqs(store, 'old-pi'),
      Array.from({ length: 10 }, (_, i) => 11 + i),
      'the old ten went',
    );
    const limit = Math.floor(limitMb * 1024 * 1024);
    const kept = seqs(store, 'busy-pi');
    const after = payloadBytes(store, 'busy-pi');
    assert.ok(after <= limit, `${after} bytes kept, limit ${limit}`);
    assert.equal(kept.at(-1), 300, 'the newest stay');
    const perEvent = before / 300;
    assert.ok(after > limit - 2 * perEvent, 'no more than needed went');
    assert.deepEqual(
      kept,
      Array.from({ length: kept.length }, (_, i) => 301 - kept.length + i),
      'oldest first',
    );
    assert.deepEqual(result, { age: 10, size: 300 - kept.length });
    for (const device of ['old-pi', 'busy-pi'])
      assert.equal(usage(store, device), payloadBytes(store, device));

    const counted = (await metrics.snapshot()).counters.vigil_central_events_deleted_total ?? [];
    assert.deepEqual(counted.map((c) => [c.labels.reason, c.value]).sort(), [
      ['age', 10],
      ['size', 300 - kept.length],
    ]);
    assert.ok(lines.some((l) => l.device === 'old-pi' && l.reason === 'age' && l.deleted === 10));
    assert.ok(
      lines.some((l) => l.device === 'busy-pi' && l.reason === 'size' && l.deleted === 300 - kept.length),
    );

    // A second sweep has nothing left to do.
    assert.deepEqual(await retention.sweep(), { age: 0, size: 0 });
  });

  test('runs at start and then on its interval', async () => {
    const store = await centralStore();
    receive(store, 'pi', 1, 5, 100, Date.now());
    const retention = new CentralRetention({
      retention: { days: 30, max_mb_per_device: 0 },
      store,
      logger: memoryLogger().logger,
      metrics: new Metrics(),
      intervalMs: 50,
    });
    await retention.start();
    after(() => retention.stop());
    for (let i = 0; i < 100 && seqs(store, 'pi').length > 0; i++) await sleep(20);
    assert.deepEqual(seqs(store, 'pi'), [], 'the sweep at start');
    receive(store, 'pi', 6, 3, 40, Date.now());
    receive(store, 'pi', 9, 2, 1, Date.now());
    for (let i = 0; i < 100 && seqs(store, 'pi').length > 2; i++) await sleep(20);
    assert.deepEqual(seqs(store, 'pi'), [9, 10], 'a later sweep');
    assert.match(String((retention.health().last_sweep as { at?: string } | null)?.at), /^\d{4}-\d\d-\d\dT/);
  });
});
