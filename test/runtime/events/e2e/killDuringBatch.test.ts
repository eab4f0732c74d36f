import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { KillOnNextRequest, runVigil, stopVigil, withDb, writeConfig } from './e2eKit';

const POSTERS = 4;
const BATCH = 50;
const POST_FOR_MS = 1500;

/** What the posters saw before the kill. */
interface Ledger {
  sent: Set<string>;
  /** Ids answered `created` in a batch's answer. */
  created: string[];
  /** Items answered anything else while the process was up (every item here is new and valid). */
  unexpected: string[];
  /** Batches cut off by the kill. */
  unanswered: number;
}

/** A batch of distinct sensor events (each its own thing, so nothing folds), in one of both formats. */
function batchFor(runId: string, poster: number, n: number): { ids: string[]; body: string; type: string } {
  const events = Array.from({ length: BATCH }, (_, i) => ({
    id: `${runId}-p${poster}-b${n}-${i}`,
    type: 'sensor',
    source: `zigbee-${poster}`,
    label: `contact-${n}-${i}`,
    data: { state: i % 2 === 0 ? 'open' : 'closed', note: 'x'.repeat(80) },
  }));
  const ndjson = n % 2 === 1;
  return {
    ids: events.map((e) => e.id),
    body: ndjson ? events.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(events),
    type: ndjson ? 'application/x-ndjson' : 'application/json',
  };
}

async function poster(
  base: string,
  runId: string,
  index: number,
  ledger: Ledger,
  killer: KillOnNextRequest,
): Promise<void> {
  for (let n = 0; !killer.stopped; n++) {
    const batch = batchFor(runId, index, n);
    for (const id of batch.ids) ledger.sent.add(id);
    const sent = fetch(`${base}/api/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': batch.type },
      body: batch.body,
    }).then(async (response) => ({ status: response.status, text: await response.text() }));
    killer.sent();
    let answer: { status: number; text: string };
    try {
      answer = await sent;
    } catch {
      ledger.unanswered += 1;
      return;
    }
    if (answer.status !== 200) {
      ledger.unexpected.push(`batch ${n}: ${answer.status} ${answer.text.slice(0, 200)}`);
      continue;
    }
    const results = (
      JSON.parse(answer.text) as { results: Array<{ index: number; status: string; id: string }> }
    ).results;
    assert.equal(results.length, BATCH);
    for (const result of results) {
      if (result.status === 'created' && result.id === batch.ids[result.index])
        ledger.created.push(result.id);
      else ledger.unexpected.push(JSON.stringify(result));
    }
  }
}

describe('SIGKILL while batches are being posted', () => {
  test('every item answered as created is stored exactly once after the restart', async () => {
    const dir = tempDir('vigil-kill-batch-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = writeConfig(dir, port);
    const runId = `kb${Date.now().toString(36)}`;

    const first = await runVigil(config);
    const ledger: Ledger = { sent: new Set(), created: [], unexpected: [], unanswered: 0 };
    const killer = new KillOnNextRequest();
    const posters = Array.from({ length: POSTERS }, (_, i) => poster(base, runId, i, ledger, killer));
    await new Promise((resolve) => setTimeout(resolve, POST_FOR_MS));
    // Killed the moment a batch has just been sent, so at least that one is cut off.
    await killer.kill(first);
    assert.equal((await first.exited).signal, 'SIGKILL');
    await Promise.all(posters);
    assert.deepEqual(
      ledger.unexpected.slice(0, 10),
      [],
      'answers other than created while the process was up',
    );
    assert.ok(ledger.created.length >= 2 * BATCH, `only ${ledger.created.length} items acknowledged`);
    assert.ok(ledger.unanswered > 0, 'the kill cut no batch off: it did not happen mid-stream');

    const second = await runVigil(config);
    withDb(dir, (db) => {
      const stored = new Map<string, number>();
      for (const id of db.prepare('SELECT id FROM events').pluck().all() as string[])
        stored.set(id, (stored.get(id) ?? 0) + 1);
      const notOnce = ledger.created.filter((id) => stored.get(id) !== 1);
      assert.deepEqual(notOnce.slice(0, 20), [], `${notOnce.length} created items not stored exactly once`);
      const strangers = [...stored.keys()].filter((id) => !ledger.sent.has(id));
      assert.deepEqual(strangers.slice(0, 20), [], 'rows for ids never sent');
      const receipts = db
        .prepare(
          "SELECT subject_id FROM audit WHERE subject_kind = 'event' AND state = 'persisted' GROUP BY subject_id HAVING count(*) > 1",
        )
        .all();
      assert.deepEqual(receipts, [], 'events taken in twice');
    });

    // Re-sending a batch acknowledged before the kill stores nothing new: each item is a replay.
    const again = batchFor(runId, 0, 0);
    const response = await fetch(`${base}/api/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': again.type },
      body: again.body,
    });
    const results = (
      (await response.json()) as { results: Array<{ status: string; duplicate_reason?: string }> }
    ).results;
    assert.ok(
      results.every((r) => r.status === 'duplicate' && r.duplicate_reason === 'id'),
      'a re-sent batch was stored again',
    );
    assert.equal(await stopVigil(second), 0, `unclean stop; stderr: ${second.stderr()}`);
  });
});
