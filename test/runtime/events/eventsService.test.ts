import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../../runtime/app';
import type { AppEvents } from '../../../runtime/appTopics';
import { loadConfig } from '../../../runtime/config/index';
import { freePort } from '../../helpers/freePort';
import { tempDir } from '../../helpers/tempDir';

/** A webhook receiver whose answer the test switches between failing and working. */
async function webhookReceiver() {
  const received: Array<Record<string, unknown>> = [];
  let status = 200;
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (status === 200) received.push(JSON.parse(body) as Record<string, unknown>);
    res.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    setStatus: (s: number) => {
      status = s;
    },
    close: () => server.close(),
  };
}

describe('events service in the running app', () => {
  let base = '';
  let app: Awaited<ReturnType<typeof buildApp>>;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  const gpioCommands: Array<AppEvents['gpio.command']> = [];

  before(async () => {
    hook = await webhookReceiver();
    const port = await freePort();
    const yaml = `
data_dir: ${join(tempDir(), 'data')}
http: { host: 127.0.0.1, port: ${port}, auth: { enabled: false } }
log: { level: error }
mqtt: { enabled: true }
gpio: { siren: { driver: sim, pin: 17 } }
alarm:
  mode: away
  rules:
    - name: night-cars-to-ops
      when: { all: [{ field: label, op: eq, value: car }] }
      then: { route: [webhook:ops], tags: [vehicle] }
events:
  webhooks:
    ops: { url: "${hook.url}", retries: 1, backoff_ms: 5, timeout_ms: 2000 }
`;
    const loaded = loadConfig({ text: yaml, env: {} });
    assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.errors));
    app = await buildApp(loaded.config, { env: {} });
    app.parts.bus.on('test', 'gpio.command', (envelope) => {
      gpioCommands.push(envelope.payload);
    });
    await app.runner.startAll();
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await app.shutdown.run('test end');
    hook.close();
  });

  async function post(body: unknown) {
    const response = await fetch(`${base}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function routed(id: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const event = (await (await fetch(`${base}/api/v1/events/${id}`)).json()) as Record<string, unknown>;
      if (event.state === 'routed' || event.state === 'filtered' || event.state === 'dead_lettered')
        return event;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`event ${id} was never routed`);
  }

  test('an event is enriched, described, routed, audited and queued for the central server', async () => {
    const created = await post({
      type: 'object_detected',
      camera: 'front',
      label: 'person',
      zones: ['porch'],
      confidence: 0.9,
    });
    assert.equal(created.status, 201);
    const event = await routed(String(created.body.id));
    assert.equal(event.type, 'intrusion');
    assert.match(String(event.description), /person/i);
    const enrichers = (event.enrichments as Array<{ enricher: string; status: string }>).map((e) => [
      e.enricher,
      e.status,
    ]);
    assert.deepEqual(
      enrichers
        .filter(([, status]) => status === 'success')
        .map(([name]) => name)
        .sort(),
      ['description', 'metadata'],
    );
    const states = (event.audit as Array<{ state: string }>).map((a) => a.state);
    assert.deepEqual(states, ['persisted', 'enriched', 'routed']);
    const outbox = app.parts.store.db
      .prepare('SELECT payload FROM outbox WHERE event_id = ?')
      .get(created.body.id) as {
      payload: string;
    };
    assert.equal(
      JSON.parse(outbox.payload).id,
      created.body.id,
      'mqtt route fills the outbox in the same transaction',
    );
    const search = (await (await fetch(`${base}/api/v1/events?q=person`)).json()) as {
      events: Array<{ id: string }>;
    };
    assert.ok(
      search.events.some((e) => e.id === created.body.id),
      'full-text search finds the description',
    );
  });

  test('a blacklisted face while armed becomes critical and commands the siren', async () => {
    const created = await post({ type: 'face_blacklisted', camera: 'door', data: { face_name: 'mallory' } });
    const event = await routed(String(created.body.id));
    assert.equal(event.severity, 'critical');
    assert.ok(gpioCommands.some((c) => c.output === 'siren' && c.event_id === created.body.id));
  });

  test('a failed webhook is dead-lettered and can be retried from the API', async () => {
    hook.setStatus(500);
    const created = await post({ type: 'object_detected', camera: 'drive', label: 'car', confidence: 0.7 });
    const event = await routed(String(created.body.id));
    assert.ok((event.tags as string[]).includes('vehicle'));
    const letters = (await (await fetch(`${base}/api/v1/dead-letters?open=true`)).json()) as {
      dead_letters: Array<{ id: number; event_id: string; stage: string }>;
    };
    const letter = letters.dead_letters.find((l) => l.event_id === created.body.id);
    assert.ok(letter, `no dead letter in ${JSON.stringify(letters)}`);
    assert.equal(letter.stage, 'route:webhook:ops');

    hook.setStatus(200);
    const retry = await fetch(`${base}/api/v1/dead-letters/${letter.id}/retry`, { method: 'POST' });
    assert.equal(retry.status, 200);
    assert.equal(((await retry.json()) as { ok: boolean }).ok, true);
    assert.ok(hook.received.some((b) => (b.event as { id: string }).id === created.body.id));
    const again = await fetch(`${base}/api/v1/dead-letters/${letter.id}/retry`, { method: 'POST' });
    assert.equal(again.status, 409);
  });

  test('stored events can be re-routed', async () => {
    const created = await post({ type: 'sensor', label: 'door', source: 'gpio:door' });
    await routed(String(created.body.id));
    const reroute = await fetch(`${base}/api/v1/events/reroute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [created.body.id] }),
    });
    assert.equal(reroute.status, 202);
    const event = await routed(String(created.body.id));
    const states = (event.audit as Array<{ state: string; reason: string | null }>).map((a) => a.state);
    assert.deepEqual(states, ['persisted', 'enriched', 'routed', 'persisted', 'enriched', 'routed']);
  });

  test('event metrics are exported', async () => {
    assert.equal((await post({ id: 'pir-7', type: 'sensor', label: 'pir' })).status, 201);
    assert.equal((await post({ id: 'pir-7', type: 'sensor', label: 'pir' })).status, 200);
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'vigil_events_processed_total',
      'vigil_events_deduplicated_total',
      'vigil_events_enriched_total',
      'vigil_dead_letter_total',
      'vigil_events_stage_seconds_bucket',
      'vigil_events_ingest_to_durable_seconds_count',
      'vigil_enricher_circuit_open',
    ]) {
      assert.match(text, new RegExp(`^${name}`, 'm'), `${name} missing`);
    }
  });
});
