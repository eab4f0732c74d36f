import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { startBroker } from '../../../helpers/mosquitto';
import { tempDir } from '../../../helpers/tempDir';
import { pollUntil, postEvent, runVigil, stopVigil, withDb, writeConfig } from './e2eKit';

const POSTERS = 8;

/**
 * A webhook receiver that holds every request unanswered until `release()`, then answers at once:
 * while it holds, each routing batch has committed its outcome (outbox rows, `enriched`) and waits
 * in delivery, which is where the kill lands.
 */
async function holdingWebhook() {
  const held: ServerResponse[] = [];
  const received: string[] = [];
  let holding = true;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push(String((JSON.parse(body) as { event: { id: string } }).event.id));
    if (holding) held.push(res);
    else res.writeHead(200).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    release() {
      holding = false;
      // The process that sent these is dead; drop its sockets.
      for (const res of held.splice(0)) res.destroy();
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A sensor event of its own (its own label), so the deduplicator folds none of them. */
function eventFor(runId: string, poster: number, n: number): Record<string, unknown> {
  return {
    id: `${runId}-p${poster}-${n}`,
    type: 'sensor',
    label: `door-${poster}-${n}`,
    source: `gpio:pir${poster}`,
    data: { state: 'open', seq: n },
  };
}

describe('SIGKILL while events are being routed', () => {
  test('the restart routes every event again without a second outbox row, and delivers them', async (t) => {
    const broker = await startBroker();
    const hook = await holdingWebhook();
    t.after(() => hook.close());
    const dir = tempDir('vigil-kill-route-');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = writeConfig(dir, port, {
      mqtt: `enabled: true, url: "${broker.url}"`,
      extra: [
        'alarm:',
        '  rules:',
        '    - name: everything-to-ops',
        '      when: { all: [{ field: type, op: eq, value: sensor }] }',
        '      then: { route: [webhook:ops] }',
        'events:',
        '  webhooks:',
        `    ops: { url: "${hook.url}", retries: 0, timeout_ms: 60000 }`,
      ].join('\n'),
    });
    const runId = `r${Date.now().toString(36)}`;

    // 1. Post from several producers; routing commits each batch's outcome, then waits on the webhook.
    const first = await runVigil(config);
    const created: string[] = [];
    let stop = false;
    const posters = Array.from({ length: POSTERS }, async (_, p) => {
      for (let n = 0; !stop; n++) {
        try {
          const reply = await postEvent(base, eventFor(runId, p, n));
          if (reply.status === 201) created.push(`${runId}-p${p}-${n}`);
        } catch {
          return; // the process died
        }
      }
    });
    await pollUntil(
      'the webhook holds deliveries of several batches',
      () => hook.received.length >= 50,
      60_000,
    );
    first.child.kill('SIGKILL');
    stop = true;
    assert.equal((await first.exited).signal, 'SIGKILL');
    await Promise.all(posters);

    // What the kill left: outcomes committed (outbox rows) but not routed, and maybe events not yet taken.
    const before = withDb(dir, (db) => ({
      outbox: new Map(
        (
          db.prepare('SELECT event_id, id, created_at FROM outbox').all() as Array<{
            event_id: string;
            id: number;
            created_at: number;
          }>
        ).map((row) => [row.event_id, `${row.id}@${row.created_at}`]),
      ),
      enriched: (
        db.prepare("SELECT count(*) AS n FROM events WHERE state = 'enriched'").get() as { n: number }
      ).n,
      routed: (db.prepare("SELECT count(*) AS n FROM events WHERE state = 'routed'").get() as { n: number })
        .n,
    }));
    assert.ok(before.enriched > 0, 'no event was left between its outcome commit and its delivery');
    assert.ok(before.outbox.size > 0, 'no outbox row was written before the kill');
    assert.equal(before.routed, 0, 'an event was routed although its webhook never answered');

    // 2. Restart with the webhook answering; the resume routes everything left.
    const deliveredBefore = hook.received.length;
    hook.release();
    const second = await runVigil(config);
    t.after(() => stopVigil(second));
    await pollUntil(
      'every stored event is routed',
      () =>
        withDb(
          dir,
          (db) =>
            (
              db
                .prepare("SELECT count(*) AS n FROM events WHERE state IN ('persisted', 'enriched')")
                .get() as {
                n: number;
              }
            ).n === 0,
        ),
      120_000,
    );

    withDb(dir, (db) => {
      const events = (
        db.prepare('SELECT id, state FROM events').all() as Array<{ id: string; state: string }>
      ).map((row) => row);
      const ids = new Set(events.map((e) => e.id));
      const missing = created.filter((id) => !ids.has(id));
      assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged events lost`);
      const notRouted = events.filter((e) => e.state !== 'routed');
      assert.deepEqual(notRouted.slice(0, 10), [], 'events not routed after the restart');

      // Exactly one outbox row per event, and the rows from before the kill are the same rows.
      const rows = db.prepare('SELECT event_id, id, created_at FROM outbox').all() as Array<{
        event_id: string;
        id: number;
        created_at: number;
      }>;
      const perEvent = new Map<string, number>();
      for (const row of rows) perEvent.set(row.event_id, (perEvent.get(row.event_id) ?? 0) + 1);
      assert.deepEqual(
        [...perEvent].filter(([, n]) => n > 1),
        [],
        'events with more than one outbox row',
      );
      assert.equal(rows.length, events.length, 'one outbox row per stored event');
      const changed = rows.filter((row) => {
        const old = before.outbox.get(row.event_id);
        return old !== undefined && old !== `${row.id}@${row.created_at}`;
      });
      assert.deepEqual(changed, [], 'outbox rows written before the kill were replaced');

      const deadLetters = db.prepare('SELECT event_id, stage, reason FROM dead_letters').all();
      assert.deepEqual(deadLetters, [], 'the resume dead-lettered events');
    });

    // The live channel got every event after the restart (at least once across the crash).
    const delivered = new Set(hook.received.slice(deliveredBefore));
    const undelivered = withDb(dir, (db) =>
      (db.prepare('SELECT id FROM events').all() as Array<{ id: string }>)
        .map((row) => row.id)
        .filter((id) => !delivered.has(id)),
    );
    assert.deepEqual(undelivered.slice(0, 10), [], `${undelivered.length} events never reached the webhook`);
    assert.equal(await stopVigil(second), 0);
  });
});
