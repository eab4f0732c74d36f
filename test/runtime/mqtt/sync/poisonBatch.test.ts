import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { startBroker } from '../../../helpers/mosquitto';
import { tempDir } from '../../../helpers/tempDir';
import { dbFile, stopVigil, withDb } from '../../events/e2e/e2eKit';
import { appliance, central, pollUntil, postAll, syncEvent, untilCentralHas } from './syncKit';

const MAX_ATTEMPTS = 3;

test('a batch the central server keeps rejecting goes to the dead letters after max_attempts rejections (timeouts do not count), with a system event, and later batches flow', async () => {
  const dir = tempDir();
  const broker = await startBroker();
  const receiver = await central(dir, broker.url);
  // One event a batch, so the poison batch is the poison event alone.
  const device = await appliance(dir, broker.url, {
    sync: `ack_timeout_seconds: 0.5, batch_size: 1, max_attempts: ${MAX_ATTEMPTS}`,
  });
  receiver.enroll(device);
  const vigil = await device.start();

  const run = randomUUID().slice(0, 8);
  const ids = await postAll(
    device.base,
    [0, 1, 2].map((n) => syncEvent(run, 'front', n)),
  );
  const [poison, ...good] = ids as [string, ...string[]];
  await pollUntil(
    'the outbox holds every event',
    () => withDb(device.dir, (db) => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number) === 3,
    10_000,
  );
  // The stored event as the central server refuses it (a timestamp that is not a date): the
  // appliance reads the outbox row again for every send.
  const db = new Database(dbFile(device.dir));
  db.pragma('busy_timeout = 5000');
  db.prepare(
    "UPDATE outbox SET payload = json_set(payload, '$.timestamp', 'not-a-date-at-all') WHERE event_id = ?",
  ).run(poison);
  db.close();

  // No central server yet: many more timeouts than max_attempts, and none of them counts.
  await sleep(MAX_ATTEMPTS * 1000 + 1000);
  const deadLetters = () =>
    withDb(
      device.dir,
      (db) =>
        db.prepare("SELECT event_id, reason FROM dead_letters WHERE stage = 'sync'").all() as Array<{
          event_id: string;
          reason: string;
        }>,
    );
  assert.deepEqual(deadLetters(), [], 'timeouts (no central server) dead-letter nothing');

  const centralProcess = await receiver.start();
  await pollUntil('the poison batch is dead-lettered', () => deadLetters().length > 0, 30_000);
  const [letter] = deadLetters();
  assert.equal(letter?.event_id, poison);
  assert.match(
    letter?.reason ?? '',
    new RegExp(`rejected by the central server ${MAX_ATTEMPTS} times: .*timestamp`),
  );
  assert.ok(
    vigil.logs.some((l) => l.msg === 'the central server rejected a batch; sending it again'),
    'the rejection was retried before it was given up',
  );

  // Listed with the routing dead letters.
  const listed = (await (await fetch(`${device.base}/api/v1/dead-letters`)).json()) as {
    dead_letters: Array<{ event_id: string; stage: string }>;
  };
  assert.ok(
    listed.dead_letters.some((d) => d.event_id === poison && d.stage === 'sync'),
    `GET /api/v1/dead-letters lists the poison event: ${JSON.stringify(listed)}`,
  );

  // A system event names how many events and why.
  const rejectedEvent = () =>
    withDb(device.dir, (db) =>
      (db.prepare("SELECT data FROM events WHERE type = 'system'").pluck().all() as string[])
        .map((d) => JSON.parse(d) as Record<string, unknown>)
        .find((d) => d.reason === 'sync_rejected'),
    );
  await pollUntil('the sync_rejected system event', () => rejectedEvent() !== undefined, 10_000);
  const data = rejectedEvent();
  assert.equal(data?.events, 1);
  assert.equal(data?.attempts, MAX_ATTEMPTS);
  assert.deepEqual(data?.event_ids, [poison]);
  assert.match(String(data?.field), /timestamp/);

  // The batches after it flow: the good events reach the central server, in order; the poison never.
  const stored = (await untilCentralHas(receiver.base, good.length, 30_000)).map((e) => e.event.id);
  assert.deepEqual(
    stored.filter((id) => ids.includes(id)),
    good,
  );

  assert.equal(await stopVigil(vigil), 0);
  assert.equal(await stopVigil(centralProcess), 0);
  await broker.stop();
});
