import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil, withDb } from '../../events/e2e/e2eKit';
import { appliance, pollUntil, postAll, syncEvent } from './syncKit';

const LIMIT = 100;
const POSTED = 130;

/** Every third event is high, the rest low, on two cameras. */
function events(run: string) {
  return Array.from({ length: POSTED }, (_, n) =>
    syncEvent(run, n % 2 === 0 ? 'front' : 'back', n, n % 3 === 0 ? 'high' : 'low'),
  );
}

/** The test's events still waiting in the outbox, oldest first. */
function waiting(dir: string, run: string): Array<{ event_id: string; severity: string }> {
  return withDb(
    dir,
    (db) =>
      db
        .prepare(
          'SELECT event_id, severity FROM outbox WHERE acked_at IS NULL AND event_id LIKE ? ORDER BY event_seq',
        )
        .all(`${run}-%`) as Array<{ event_id: string; severity: string }>,
  );
}

async function fullOutbox(policy: string) {
  const dir = tempDir();
  // Nothing listens there: the broker is away for the whole test.
  const device = await appliance(dir, `mqtt://127.0.0.1:${await freePort()}`, {
    mqtt: `outbox: { max_rows: ${LIMIT}, when_full: ${policy} }`,
  });
  const vigil = await device.start();
  const run = randomUUID().slice(0, 8);
  const posted = events(run);
  await postAll(device.base, posted);
  // The limit holds the posted events plus the system event that reports the drops.
  await pollUntil('the outbox is back within its limit', () => waiting(dir, run).length <= LIMIT - 1, 10_000);
  const systemEvents = (await (await fetch(`${device.base}/api/v1/events?type=system`)).json()) as {
    events: Array<{ data: Record<string, unknown>; severity: string }>;
  };
  const metrics = await (await fetch(`${device.base}/metrics`)).text();
  assert.equal(await stopVigil(vigil), 0);
  return { kept: waiting(dir, run), posted, systemEvents: systemEvents.events, metrics };
}

describe('a full outbox', () => {
  test('drop_low_severity keeps every high event and drops the oldest low ones, counted and reported', async () => {
    const { kept, posted, systemEvents, metrics } = await fullOutbox('drop_low_severity');
    const high = posted.filter((e) => e.severity === 'high').map((e) => e.id);
    const low = posted.filter((e) => e.severity === 'low').map((e) => e.id);
    const room = LIMIT - 1;
    assert.deepEqual(
      kept.filter((r) => r.severity === 'high').map((r) => r.event_id),
      high,
    );
    assert.deepEqual(
      kept.filter((r) => r.severity === 'low').map((r) => r.event_id),
      low.slice(low.length - (room - high.length)),
      'the newest low events are kept',
    );
    const dropped = POSTED - room;
    const overflow = systemEvents.find((e) => e.data.reason === 'outbox_full');
    assert.ok(overflow, 'a system event reports the drops');
    assert.equal(overflow.severity, 'high');
    assert.equal(overflow.data.policy, 'drop_low_severity');
    assert.ok((overflow.data.dropped as number) > 0);
    assert.match(metrics, new RegExp(`vigil_mqtt_outbox_dropped_total\\{severity="low"\\} ${dropped}`));
  });

  test('drop_oldest drops the oldest whatever their severity', async () => {
    const { kept: rows, posted } = await fullOutbox('drop_oldest');
    const kept = rows.map((r) => r.event_id);
    assert.deepEqual(
      kept,
      posted.slice(POSTED - kept.length).map((e) => e.id),
    );
    assert.ok(kept.length >= LIMIT - 2);
  });
});
