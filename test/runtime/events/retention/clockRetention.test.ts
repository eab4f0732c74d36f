import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventRetention } from '../../../../runtime/events/retention/eventRetention';
import { freshStore, insertEvent, insertOutbox } from '../queries/eventStoreFixture';

const DAY = 86_400_000;
const SAVED = Date.parse('2025-05-01T00:00:00Z'); // the time the Pi booted at (its last saved time)
const SYNCED = Date.parse('2026-06-01T00:00:00Z'); // NTP answered: a year forwards

test('retention deletes nothing early when the clock jumps forwards a year after boot', async () => {
  const { db, writer } = freshStore();
  const stored = (id: string, timestamp: number, unsynced: boolean) => {
    insertEvent(db, { id, timestamp });
    insertOutbox(db, id, timestamp + 10); // acknowledged by the central server: retention may take it
    if (unsynced) db.prepare('UPDATE events SET clock_unsynced = 1 WHERE id = ?').run(id);
  };
  stored('last-run', SAVED - 40 * DAY, false); // really old, stamped while the clock was right
  stored('boot-1', SAVED + 1000, true);
  stored('boot-2', SAVED + 2000, true);
  stored('after-sync', SYNCED + 1000, false);
  const remaining = () =>
    (db.prepare('SELECT id FROM events ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
  const retention = new EventRetention({ writer });

  const first = await retention.purgeEvents({ olderThanMs: 30 * DAY, now: SYNCED + DAY });
  assert.equal(first.deleted, 1);
  assert.deepEqual(
    remaining(),
    ['boot-1', 'boot-2', 'after-sync'],
    'the events stamped at boot are a year old by their stamps, not by the time they have been kept',
  );

  // Once an event stored after them is past the age, they are too.
  const later = await retention.purgeEvents({ olderThanMs: 30 * DAY, now: SYNCED + 40 * DAY });
  assert.equal(later.deleted, 3);
  assert.deepEqual(remaining(), []);
});
