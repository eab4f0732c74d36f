import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, afterEach, describe, test } from 'node:test';
import { freePort } from '../../../helpers/freePort';
import { tempDir } from '../../../helpers/tempDir';
import { stopVigil } from '../../events/e2e/e2eKit';
import { type Received, StreamClient, seqGaps } from './streamClient';
import {
  type Appliance,
  deliveryLatencies,
  metricValue,
  postEvents,
  postEventsTimed,
  quantile,
  startAppliance,
  writeStreamConfig,
} from './streamKit';

const CLIENTS = 50;
const EVENTS = 200;
/** Big events for the stalled-client run: 400 × ~15 KB ≈ 6 MB, more than loopback kernel buffers hold. */
const BIG_EVENTS = 400;
const BIG_PAD = 14_000;
const MAX_CLIENTS = 60;

/**
 * `GET /api/v1/ws` against the real `vigil run` (the built bundle, real SQLite, one routing worker
 * so that events are streamed in the order they were stored) with real `ws` clients.
 */
describe('live stream end to end (vigil run)', () => {
  const dir = tempDir('vigil-ws-');
  let port = 0;
  let config = '';
  let app: Appliance | undefined;
  const open: StreamClient[] = [];

  const running = (): Appliance => {
    if (app === undefined) throw new Error('the appliance is not running (the first test failed?)');
    return app;
  };
  const connect = async (query = '', light = true) => {
    const client = await StreamClient.open(running().ws(query), { light });
    open.push(client);
    return client;
  };
  /** Ends every client and waits until the server counts none. */
  const closeAll = async () => {
    for (const client of open.splice(0)) {
      if (client.closeInfo === undefined) client.socket.terminate();
    }
    if (app === undefined || app.vigil.child.exitCode !== null) return;
    const { base } = app;
    await pollUntilAsync(
      'every client is gone',
      async () => (await metricValue(base, 'vigil_ws_clients')) === 0,
    );
  };

  // Each test starts with no client connected, whatever the previous one left.
  afterEach(closeAll);
  after(async () => {
    await closeAll();
    if (app) await stopVigil(app.vigil);
  });

  test(`${CLIENTS} clients each receive all ${EVENTS} events in posting order, seq contiguous; WS and REST show the same event`, async () => {
    port = await freePort();
    config = writeStreamConfig(dir, port, {
      stream: `{ max_clients: ${MAX_CLIENTS}, client_buffer_kb: 64, replay_messages: 1000 }`,
    });
    app = await startAppliance(config, port);
    // One client parses every message whole (for the REST comparison); the rest read just the head.
    const full = await connect('', false);
    const clients = [full, ...(await Promise.all(Array.from({ length: CLIENTS - 1 }, () => connect())))];
    assert.equal(await metricValue(running().base, 'vigil_ws_clients'), CLIENTS);

    const started = performance.now();
    const ids = await postEvents(running().base, 'order', EVENTS);
    await Promise.all(clients.map((client) => client.untilEvents(EVENTS)));
    const tookMs = performance.now() - started;

    const reference = clients[0]?.messages.map((m) => m.seq);
    for (const [i, client] of clients.entries()) {
      assert.deepEqual(client.eventIds(), ids, `client ${i}: every event, in posting order`);
      assert.deepEqual(seqGaps(client.messages, client.hello.seq + 1), [], `client ${i}: seq contiguous`);
      assert.deepEqual(
        client.messages.map((m) => m.seq),
        reference,
        `client ${i}: the same messages as client 0`,
      );
    }
    console.error(
      `  ${CLIENTS} clients × ${EVENTS} events: posted and received by all in ${tookMs.toFixed(0)} ms`,
    );
    assert.ok((await metricValue(running().base, 'vigil_ws_messages_sent_total')) >= CLIENTS * EVENTS);

    // The same event over REST, once its routing finished, is exactly what the stream sent.
    const rest = new Map<string, Record<string, unknown>>();
    await pollUntilAsync('every event is routed', async () => {
      const response = await fetch(`${running().base}/api/v1/events?limit=500`);
      const page = (await response.json()) as { events: Array<Record<string, unknown>> };
      for (const event of page.events) rest.set(String(event.id), event);
      return ids.every((id) => rest.get(id)?.state === 'routed');
    });
    const streamed = full.messages.filter((m) => m.type === 'event');
    assert.equal(streamed.length, EVENTS);
    for (const message of streamed) {
      const json = message.json as { event: Record<string, unknown>; decision: Record<string, unknown> };
      assert.deepEqual(json.event, rest.get(String(json.event.id)), `event ${json.event.id}`);
      assert.deepEqual(json.decision, json.event.decision);
      assert.deepEqual(Object.keys(json), ['type', 'seq', 'event', 'decision']);
    }
    const first = streamed[0]?.json as { event: Record<string, unknown>; decision: Record<string, unknown> };
    assert.equal(typeof first.event.description, 'string', 'the enrichers’ description is in the stream too');
    assert.deepEqual(first.decision.routes, ['web', 'mqtt']);
    assert.deepEqual(first.decision.matched, ['default-stream']);
    await closeAll();
  });

  test(`a stalled client is closed with 4008 "too slow" while ${CLIENTS} others receive every event`, async () => {
    const base = running().base;
    const baseline = await fanOut(base, 'baseline', await openClients(CLIENTS));
    await closeAll();

    const stalled = await connect();
    stalled.socket.pause();
    const clients = await openClients(CLIENTS);
    // Resume reading as soon as the server gave up on it, to see its close frame.
    let dropped = false;
    const watcher = (async () => {
      while (!dropped && stalled.closeInfo === undefined) {
        dropped = (await metricValue(base, 'vigil_ws_clients_dropped_slow_total')) >= 1;
        if (!dropped) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      stalled.socket.resume();
    })();
    const withStall = await fanOut(base, 'stalled', clients);
    await watcher;
    assert.ok(dropped, 'the server counted the slow client');
    assert.deepEqual(await stalled.closed, { code: 4008, reason: 'too slow' });
    assert.ok(stalled.eventIds().length < BIG_EVENTS, 'the stalled client did not get everything');
    assert.ok(
      running().vigil.logs.some((line) => String(line.msg).startsWith('live stream client too slow')),
      'the drop is logged',
    );
    for (const client of clients) assert.equal(client.closeInfo, undefined, 'the others stay connected');
    const figures = (f: { ms: number; p50: number; p99: number }) =>
      `${f.ms.toFixed(0)} ms in all, 201 → last client p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms`;
    console.error(
      `  ${CLIENTS} clients × ${BIG_EVENTS} events of ~15 KB\n` +
        `    without a stalled client: ${figures(baseline)}\n` +
        `    with a stalled client:    ${figures(withStall)} (it was dropped after ${stalled.eventIds().length} events)`,
    );
    await closeAll();

    async function openClients(count: number): Promise<StreamClient[]> {
      return Promise.all(Array.from({ length: count }, () => connect()));
    }
  });

  /**
   * Posts the big events and waits until every client has all of them in order; returns the time
   * taken and, per event, the ms from its 201 answer until the last client received it.
   */
  async function fanOut(base: string, run: string, clients: StreamClient[]) {
    const started = performance.now();
    const posted = await postEventsTimed(base, run, BIG_EVENTS, { padBytes: BIG_PAD });
    await Promise.all(clients.map((client) => client.untilEvents(BIG_EVENTS, 60_000)));
    const ms = performance.now() - started;
    const ids = posted.map((p) => p.id);
    for (const [i, client] of clients.entries()) {
      assert.deepEqual(client.eventIds(), ids, `${run} client ${i}: every event, in order`);
      assert.deepEqual(
        seqGaps(client.messages, client.hello.seq + 1),
        [],
        `${run} client ${i}: seq contiguous`,
      );
    }
    const latencies = deliveryLatencies(posted, clients);
    assert.equal(latencies.length, BIG_EVENTS);
    return { ms, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  }

  test('a state change (PUT /api/v1/alarm) arrives as a state message with topic alarm.mode', async () => {
    const client = await connect('', false);
    const put = async (mode: string) => {
      const response = await fetch(`${running().base}/api/v1/alarm`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode, reason: 'live stream test' }),
      });
      assert.equal(response.status, 200, await response.text());
    };
    await put('away');
    const isMode = (m: Received, mode: string) =>
      m.type === 'state' &&
      m.json?.topic === 'alarm.mode' &&
      (m.json.payload as { mode?: string }).mode === mode;
    await client.waitFor(() => client.messages.some((m) => isMode(m, 'away')), 5000, 'alarm.mode away');
    const message = client.messages.find((m) => isMode(m, 'away'))?.json as {
      seq: number;
      payload: Record<string, unknown>;
    };
    assert.equal(typeof message.seq, 'number');
    assert.equal(message.payload.previous, 'disarmed');
    assert.equal(message.payload.actor, 'api');
    await put('disarmed');
    await client.waitFor(
      () => client.messages.some((m) => isMode(m, 'disarmed')),
      5000,
      'alarm.mode disarmed',
    );
    assert.deepEqual(seqGaps(client.messages, client.hello.seq + 1), []);
    await closeAll();
  });

  test('bad client input: binary and oversized messages hurt nobody; too many clients are refused', async () => {
    const base = running().base;
    const bystander = await connect();
    const chatty = await connect();
    chatty.socket.send('{"type":"subscribe","topics":["everything"]}');
    chatty.socket.send(Buffer.from([0xff, 0x00, 0xfe, 0x01]), { binary: true });
    const huge = await connect();
    huge.socket.send(Buffer.alloc(1024 * 1024, 0x61), { binary: true });
    const closed = await huge.closed;
    assert.ok(
      [1009, 1006].includes(closed.code),
      `the oversized message ended its connection (${closed.code})`,
    );

    const ids = await postEvents(base, 'after-bad-input', 3);
    for (const client of [bystander, chatty]) {
      await client.untilEvents(3);
      assert.deepEqual(client.eventIds(), ids);
      assert.equal(client.closeInfo, undefined);
    }
    assert.equal((await fetch(`${base}/api/v1/health`)).status, 200);

    // A raw TCP client that completes the upgrade, then sends bytes that are no WebSocket frame.
    const garbage = await rawUpgrade(port);
    garbage.write(Buffer.from('this is not a websocket frame\r\n'.repeat(100)));
    await once(garbage, 'close');
    assert.equal((await fetch(`${base}/api/v1/health`)).status, 200);

    while (open.filter((c) => c.closeInfo === undefined).length < MAX_CLIENTS) await connect();
    await assert.rejects(StreamClient.open(running().ws()), /upgrade refused: HTTP 503/);
    assert.ok((await metricValue(base, 'vigil_ws_clients')) <= MAX_CLIENTS);
    open.find((c) => c.closeInfo === undefined)?.close();
    await pollUntilAsync(
      'a slot is free',
      async () => (await metricValue(base, 'vigil_ws_clients')) < MAX_CLIENTS,
    );
    const again = await connect();
    assert.equal(again.hello.type, 'hello');
    await closeAll();
  });

  test('a client that reconnects with stream and after gets exactly what it missed, then live ones; not after a restart', async () => {
    const base = running().base;
    const client = await connect();
    const before = await postEvents(base, 'resume-a', 5);
    await client.untilEvents(5);
    assert.deepEqual(client.eventIds(), before);
    const stream = client.hello.stream;
    const last = client.messages.at(-1)?.seq ?? client.hello.seq;
    client.close();
    await client.closed;

    const missed = await postEvents(base, 'resume-b', 5);
    const back = await connect(`?stream=${stream}&after=${last}`);
    assert.equal(back.hello.resumed, true);
    assert.equal(back.hello.stream, stream);
    await back.untilEvents(5);
    const live = await postEvents(base, 'resume-c', 3);
    await back.untilEvents(8);
    assert.deepEqual(back.eventIds(), [...missed, ...live]);
    assert.deepEqual(seqGaps(back.messages, last + 1), [], 'the missed messages continue the old seq');
    const lastSeq = back.messages.at(-1)?.seq ?? 0;
    await closeAll();

    // A new process is a new stream: nothing can be resumed, the client must refetch.
    await stopVigil(running().vigil);
    app = undefined;
    app = await startAppliance(config, port);
    const restarted = await connect(`?stream=${stream}&after=${lastSeq}`);
    assert.equal(restarted.hello.resumed, false);
    assert.notEqual(restarted.hello.stream, stream);
    const fresh = await postEvents(running().base, 'resume-d', 2);
    await restarted.untilEvents(2);
    assert.deepEqual(restarted.eventIds(), fresh);
    await closeAll();
    assert.equal(await stopVigil(running().vigil), 0);
    app = undefined;
  });
});

/** Polls an async probe every 100 ms until it returns true; rejects after 20 s. */
async function pollUntilAsync(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after 20 s waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A plain TCP socket that performed the WebSocket upgrade of /api/v1/ws (101 seen). */
async function rawUpgrade(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    [
      'GET /api/v1/ws HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  socket.on('error', () => {});
  const [head] = (await once(socket, 'data')) as [Buffer];
  assert.match(head.toString(), /^HTTP\/1\.1 101 /);
  return socket;
}
