import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ingestKit } from './ingestKit';

const YEAR = 365 * 86_400_000;
const HOUR = 3_600_000;

const person = {
  type: 'object_detected',
  camera: 'front',
  label: 'person',
  object_id: 't1',
  confidence: 0.9,
  box: [0.1, 0.1, 0.3, 0.6],
};

type Kit = Awaited<ReturnType<typeof ingestKit>>;

function incidents(kit: Kit) {
  return kit.db
    .prepare('SELECT id, event_count, ended_at FROM incidents ORDER BY started_at')
    .all() as Array<{
    id: string;
    event_count: number;
    ended_at: number | null;
  }>;
}

// The kit's incidents end after 30 s without an event; object_detected folds repeats within 2 s.
describe('events across clock jumps', () => {
  test('events received before the clock is synchronised are marked; later ones are not', async () => {
    const kit = await ingestKit({ synced: false });
    const before = await kit.ingest.ingest(
      { type: 'sensor', source: 'door', data: { open: true } },
      { actor: 'api' },
    );
    // A producer whose clock is right is not refused while ours is the one in doubt (booted in the past).
    kit.jump(-YEAR);
    const fromProducer = await kit.ingest.ingest(
      { type: 'sensor', source: 'door', data: { open: false }, timestamp: kit.now() + YEAR },
      { actor: 'api' },
    );
    kit.setSynced(true);
    kit.jump(YEAR);
    const after = await kit.ingest.ingest(
      { type: 'sensor', source: 'door', data: { open: true } },
      { actor: 'api' },
    );
    const marks = (id: string) =>
      (kit.db.prepare('SELECT clock_unsynced FROM events WHERE id = ?').get(id) as { clock_unsynced: number })
        .clock_unsynced;
    assert.deepEqual([marks(before.id), marks(fromProducer.id), marks(after.id)], [1, 1, 0]);
    assert.equal(kit.persisted[0]?.clockUnsynced, true, 'routing and sync see the mark (eventToJson)');
    assert.equal(kit.persisted[2]?.clockUnsynced, undefined);
  });

  test('a jump back of an hour does not keep an incident open for an hour', async () => {
    const kit = await ingestKit();
    await kit.ingest.ingest(person, { actor: 'pipeline' });
    kit.jump(-HOUR);
    kit.advance(31_000);
    await kit.ingest.maintainIncidents(kit.now());
    const [incident] = incidents(kit);
    assert.notEqual(incident?.ended_at, null, 'ended 31 s after its last event, as without the jump');
  });

  test('a jump forward of a year neither ends, splits nor unfolds what happens in seconds', async () => {
    const kit = await ingestKit({ loitering: 20 });
    await kit.ingest.ingest({ ...person, zones: ['porch'] }, { actor: 'pipeline' });
    kit.advance(1000);
    kit.jump(YEAR);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(incidents(kit)[0]?.ended_at, null, 'not ended by the jump');
    const repeat = await kit.ingest.ingest({ ...person, zones: ['porch'] }, { actor: 'pipeline' });
    assert.equal(repeat.status, 'duplicate', 'a same-state repeat 1 s later still folds');
    kit.advance(1500);
    const moved = await kit.ingest.ingest(
      { ...person, zones: ['porch'], box: [0.5, 0.1, 0.7, 0.6] },
      { actor: 'pipeline' },
    );
    assert.equal(moved.status, 'created');
    assert.notEqual(moved.type, 'loitering', 'a year of clock is not 20 s in the zone');
    const all = incidents(kit);
    assert.equal(all.length, 1, 'one incident, not split by the jump');
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(incidents(kit)[0]?.event_count, 2);
  });

  test('a jump back of an hour does not unfold a repeat a second later', async () => {
    const kit = await ingestKit();
    await kit.ingest.ingest(person, { actor: 'pipeline' });
    kit.advance(1000);
    kit.jump(-HOUR);
    const repeat = await kit.ingest.ingest(person, { actor: 'pipeline' });
    assert.equal(repeat.status, 'duplicate');
    kit.advance(2500);
    const later = await kit.ingest.ingest(person, { actor: 'pipeline' });
    assert.equal(later.status, 'created', 'past the 2 s window, by monotonic time');
    assert.equal(incidents(kit).length, 1);
  });
});
