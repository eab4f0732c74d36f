import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { Metrics } from '../../../../runtime/metrics/metrics';
import {
  LiveStreamHub,
  type LiveStreamHubOptions,
  resumeRequest,
} from '../../../../runtime/web/liveStream/liveStreamHub';
import { ReplayRing } from '../../../../runtime/web/liveStream/replayRing';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { StreamClient, seqGaps } from './streamClient';

describe('ReplayRing', () => {
  const frame = (n: number) => Buffer.from(`m${n}`);
  const text = (frames: Buffer[] | undefined) => frames?.map((f) => f.toString());

  test('numbers messages from 1 and returns what follows a seq while it is kept', () => {
    const ring = new ReplayRing(3);
    assert.equal(ring.newest, 0);
    assert.deepEqual(text(ring.after(0)), []);
    for (let n = 1; n <= 5; n++) assert.equal(ring.push(frame(n)), n);
    assert.equal(ring.newest, 5);
    assert.equal(ring.oldest, 3);
    assert.deepEqual(text(ring.after(2)), ['m3', 'm4', 'm5']);
    assert.deepEqual(text(ring.after(4)), ['m5']);
    assert.deepEqual(text(ring.after(5)), []);
    assert.equal(ring.after(1), undefined, 'm2 fell out');
    assert.equal(ring.after(6), undefined, 'a seq never issued');
    assert.equal(ring.after(-1), undefined);
    assert.equal(ring.after(2.5), undefined);
    assert.equal(ring.at(3)?.toString(), 'm3');
    assert.equal(ring.at(2), undefined);
  });

  test('with capacity 0 only a client that missed nothing can resume', () => {
    const ring = new ReplayRing(0);
    ring.push(frame(1));
    ring.push(frame(2));
    assert.deepEqual(text(ring.after(2)), []);
    assert.equal(ring.after(1), undefined);
    assert.equal(ring.size, 0);
  });

  test('a byte bound drops the oldest messages first and keeps the rest contiguous', () => {
    const sized = (n: number, bytes: number) => Buffer.from(`${n}:`.padEnd(bytes, '.'));
    const ring = new ReplayRing(100, 1_000);
    for (let n = 1; n <= 50; n++) ring.push(sized(n, 100));
    assert.deepEqual([ring.oldest, ring.newest, ring.size, ring.bytes], [41, 50, 10, 1_000]);
    assert.equal(ring.after(40)?.length, 10);
    assert.equal(ring.after(39), undefined, 'message 40 fell out: a resume from 39 would skip it');
    // Mixed sizes: never over the bound, never a hole.
    for (let n = 51; n <= 500; n++) {
      ring.push(sized(n, 1 + ((n * 37) % 400)));
      assert.ok(ring.bytes <= 1_000, `${ring.bytes} bytes kept`);
      const kept = ring.after(ring.oldest - 1) ?? [];
      assert.equal(kept.length, ring.size);
      assert.equal(
        kept.reduce((sum, frame) => sum + frame.byteLength, 0),
        ring.bytes,
      );
      assert.deepEqual(
        kept.map((frame) => Number(frame.toString().split(':')[0])),
        Array.from({ length: ring.size }, (_, i) => ring.oldest + i),
      );
    }
    // One message over the bound is numbered but kept nowhere, and nothing before it either.
    assert.equal(ring.push(sized(501, 1_001)), 501);
    assert.deepEqual([ring.oldest, ring.size, ring.bytes], [502, 0, 0]);
    assert.deepEqual(ring.after(501), []);
    assert.equal(ring.after(500), undefined);
    ring.push(sized(502, 10));
    assert.deepEqual(text(ring.after(501)), [sized(502, 10).toString()]);
  });

  test('a full ring holds about the bytes of its messages, not the pool slabs they were cut from', () => {
    const ring = new ReplayRing(2_000);
    const garbage: Buffer[] = [];
    let messageBytes = 0;
    for (let n = 1; n <= 4_000; n++) {
      // Other pooled allocations between two messages, as HTTP parsing and logging make.
      garbage.push(Buffer.from(`${'x'.repeat(1_000)}${n}`));
      if (garbage.length > 100) garbage.shift();
      ring.push(
        Buffer.from(JSON.stringify({ type: 'event', seq: n, event: { id: `e${n}`, label: 'person' } })),
      );
    }
    const kept = ring.after(ring.oldest - 1) ?? [];
    assert.equal(kept.length, 2_000);
    for (const message of kept) messageBytes += message.byteLength;
    const held = new Set(kept.map((message) => message.buffer));
    const heldBytes = [...held].reduce((sum, buffer) => sum + buffer.byteLength, 0);
    assert.ok(
      heldBytes <= messageBytes * 1.05,
      `the ring holds ${heldBytes} bytes of buffers for ${messageBytes} bytes of messages`,
    );
    assert.equal(JSON.parse(String(ring.at(4_000))).seq, 4_000, 'the copies carry the messages');
  });
});

describe('resumeRequest', () => {
  test('takes stream and a non-negative integer after; ignores anything else', () => {
    assert.deepEqual(resumeRequest({ stream: 'abc', after: '12' }), { stream: 'abc', after: 12 });
    assert.deepEqual(resumeRequest({ stream: 'abc', after: '-1' }), { stream: 'abc' });
    assert.deepEqual(resumeRequest({ after: '1e3' }), {});
    assert.deepEqual(resumeRequest({ stream: ['a', 'b'], after: ['1', '2'] }), {});
    assert.deepEqual(resumeRequest({ stream: 'x'.repeat(65) }), {});
    assert.deepEqual(resumeRequest(undefined), {});
  });
});

/** A hub behind a real `ws` server on a free port, as the route serves it (query → resume). */
async function hubServer(options: Partial<LiveStreamHubOptions> = {}) {
  const metrics = new Metrics();
  const hub = new LiveStreamHub({
    maxClients: 10,
    clientBufferBytes: 64 * 1024,
    replayMessages: 100,
    metrics,
    logger: memoryLogger().logger,
    ...options,
  });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4096 });
  await once(server, 'listening');
  server.on('connection', (socket, request) => {
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://localhost').searchParams);
    hub.connect(socket, resumeRequest(query));
  });
  const { port } = server.address() as AddressInfo;
  after(async () => {
    hub.close();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  const counter = async (name: string) => (await metrics.snapshot()).counters[name]?.[0]?.value ?? 0;
  return { hub, metrics, counter, url: (query = '') => `ws://127.0.0.1:${port}/${query}` };
}

function publishState(hub: LiveStreamHub, n: number): number {
  return hub.publish({ type: 'state', topic: 'alarm.mode', payload: { n } });
}

describe('LiveStreamHub', () => {
  test('a new client gets hello with the newest seq, then every message with contiguous seq', async () => {
    const { hub, url } = await hubServer();
    publishState(hub, 0);
    const client = await StreamClient.open(url());
    assert.deepEqual(client.hello, { type: 'hello', stream: hub.streamId, seq: 1, resumed: false });
    for (let n = 1; n <= 20; n++) publishState(hub, n);
    await client.waitFor(() => client.messages.length === 20, 5000);
    assert.deepEqual(seqGaps(client.messages, 2), []);
    assert.deepEqual(
      client.messages.map((m) => (m.json?.payload as { n: number } | undefined)?.n),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.deepEqual(client.messages[0]?.json, {
      type: 'state',
      seq: 2,
      topic: 'alarm.mode',
      payload: { n: 1 },
    });
    client.close();
  });

  test('a burst published in one turn reaches a fast client whole: sent in one write, not counted against its budget', async () => {
    const { hub, url, counter } = await hubServer({ clientBufferBytes: 64 * 1024 });
    const client = await StreamClient.open(url(), { light: true });
    // 500 × 1 KiB in one turn: eight times the budget, all queued before any of it is written.
    const blob = 'z'.repeat(1024);
    for (let n = 1; n <= 500; n++) hub.publish({ type: 'state', topic: 'gpio.state', payload: { n, blob } });
    await client.waitFor(() => client.messages.length === 500, 10_000, '500 messages');
    assert.deepEqual(seqGaps(client.messages, 1), []);
    assert.equal(await counter('vigil_ws_clients_dropped_slow_total'), 0);
    assert.equal(client.closeInfo, undefined);
    client.close();
  });

  test('a client that connects in the turn of a publish gets it in hello, never twice', async () => {
    const hub = new LiveStreamHub({ maxClients: 10, clientBufferBytes: 64 * 1024, replayMessages: 100 });
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (socket) => {
      // Published in this very turn, so not sent yet when the client is added.
      publishState(hub, 1);
      publishState(hub, 2);
      hub.connect(socket);
    });
    after(async () => {
      hub.close();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    const client = await StreamClient.open(`ws://127.0.0.1:${port}/`);
    assert.equal(client.hello?.seq, 2);
    publishState(hub, 3);
    await client.waitFor(() => client.messages.length >= 1, 5000, 'a message');
    await sleep(50);
    assert.deepEqual(
      client.messages.map((m) => m.seq),
      [3],
    );
    client.close();
  });

  test('resume inside the ring: exactly the missed messages, in order, then live ones', async () => {
    const { hub, url } = await hubServer({ replayMessages: 10 });
    const first = await StreamClient.open(url());
    for (let n = 1; n <= 3; n++) publishState(hub, n);
    await first.waitFor(() => first.messages.length === 3, 5000);
    first.close();
    await first.closed;
    for (let n = 4; n <= 7; n++) publishState(hub, n);

    const again = await StreamClient.open(url(`?stream=${hub.streamId}&after=3`));
    assert.deepEqual(again.hello, { type: 'hello', stream: hub.streamId, seq: 7, resumed: true });
    publishState(hub, 8);
    await again.waitFor(() => again.messages.length === 5, 5000);
    assert.deepEqual(
      again.messages.map((m) => m.seq),
      [4, 5, 6, 7, 8],
    );
    again.close();
  });

  test('resume from the newest seq: resumed, nothing replayed', async () => {
    const { hub, url } = await hubServer({ replayMessages: 0 });
    for (let n = 1; n <= 3; n++) publishState(hub, n);
    const client = await StreamClient.open(url(`?stream=${hub.streamId}&after=3`));
    assert.equal(client.hello.resumed, true);
    publishState(hub, 4);
    await client.waitFor(() => client.messages.length === 1, 5000);
    assert.equal(client.messages[0]?.seq, 4);
    client.close();
  });

  test('resume too old, wrong stream id, a seq never issued, or garbage: resumed false, nothing replayed', async () => {
    const { hub, url } = await hubServer({ replayMessages: 5 });
    for (let n = 1; n <= 20; n++) publishState(hub, n);
    // Five kept: after N - 5 is the oldest resumable cursor, so N - 6 is too old.
    const queries: Array<(newest: number) => string> = [
      (newest) => `?stream=${hub.streamId}&after=${newest - 6}`,
      (newest) => `?stream=another-process&after=${newest - 1}`,
      (newest) => `?stream=${hub.streamId}&after=${newest + 1}`,
      () => `?stream=${hub.streamId}&after=abc`,
      (newest) => `?after=${newest - 1}`,
    ];
    for (const queryOf of queries) {
      const newest = hub.seq;
      const query = queryOf(newest);
      const client = await StreamClient.open(url(query));
      assert.deepEqual(
        client.hello,
        { type: 'hello', stream: hub.streamId, seq: newest, resumed: false },
        query,
      );
      const seq = publishState(hub, 0);
      await client.waitFor(() => client.messages.length === 1, 5000);
      assert.equal(client.messages[0]?.seq, seq, `${query}: live messages only`);
      client.close();
    }
    const inside = await StreamClient.open(url(`?stream=${hub.streamId}&after=${hub.seq - 5}`));
    assert.equal(inside.hello.resumed, true, 'the oldest resumable cursor');
    await inside.waitFor(() => inside.messages.length === 5, 5000);
    inside.close();
  });

  test('a resume backlog larger than the client buffer is sent as the client reads, not dropped', async () => {
    const { hub, url, counter } = await hubServer({ clientBufferBytes: 16 * 1024, replayMessages: 1000 });
    const blob = 'x'.repeat(8000); // 6.4 MB: more than the loopback kernel buffers take at once
    for (let n = 1; n <= 800; n++) hub.publish({ type: 'state', topic: 'gpio.state', payload: { n, blob } });
    const client = await StreamClient.open(url(`?stream=${hub.streamId}&after=0`));
    assert.equal(client.hello.resumed, true);
    // Live messages published while it catches up queue behind the backlog.
    for (let n = 801; n <= 850; n++) {
      hub.publish({ type: 'state', topic: 'gpio.state', payload: { n, blob } });
      await yieldToLoop();
    }
    await client.waitFor(() => client.messages.length === 850, 15_000, '850 messages');
    assert.deepEqual(seqGaps(client.messages, 1), []);
    assert.equal(await counter('vigil_ws_clients_dropped_slow_total'), 0);
    assert.equal(client.closeInfo, undefined);
    client.close();
  });

  test('a stalled client is closed with 4008 "too slow"; the others get everything, undelayed', async () => {
    const { hub, url, counter } = await hubServer({ clientBufferBytes: 16 * 1024, slowCloseGraceMs: 5000 });
    const fast = await StreamClient.open(url(), { light: true });
    const stalled = await StreamClient.open(url(), { light: true });
    stalled.socket.pause();
    // More than the kernel buffers of a loopback connection (a few MB) so the server's own buffer fills.
    const blob = 'y'.repeat(16 * 1024);
    const started = performance.now();
    let dropAt: number | undefined;
    for (let n = 1; n <= 600; n++) {
      hub.publish({ type: 'state', topic: 'gpio.state', payload: { n, blob } });
      if (dropAt === undefined && hub.clientCount === 1) dropAt = n;
      await yieldToLoop();
    }
    await fast.waitFor(() => fast.messages.length === 600, 15_000, '600 messages');
    const tookMs = performance.now() - started;
    assert.deepEqual(seqGaps(fast.messages, 1), []);
    assert.ok(dropAt !== undefined, 'the stalled client was dropped while messages were published');
    assert.equal(await counter('vigil_ws_clients_dropped_slow_total'), 1);
    stalled.socket.resume();
    assert.deepEqual(await stalled.closed, { code: 4008, reason: 'too slow' });
    assert.ok(stalled.messages.length < 600, 'the stalled client did not get everything');
    assert.equal(fast.closeInfo, undefined);
    console.error(
      `  hub: stalled client dropped at message ${dropAt}; the other got 600 × 16 KiB in ${tookMs.toFixed(0)} ms`,
    );
    fast.close();
  });

  test('more than maxClients: the next one is closed with 1013 "try again later"', async () => {
    const { hub, url, counter } = await hubServer({ maxClients: 2 });
    const clients = [await StreamClient.open(url()), await StreamClient.open(url())];
    assert.equal(hub.full, true);
    const refused = await openRaw(url());
    assert.deepEqual(refused, { code: 1013, reason: 'try again later' });
    assert.equal(await counter('vigil_ws_clients_refused_total'), 1);
    clients[0]?.close();
    await clients[0]?.closed;
    await waitUntil(() => !hub.full);
    const third = await StreamClient.open(url());
    assert.equal(third.hello.type, 'hello');
    for (const client of [clients[1], third]) client?.close();
  });

  test('a client that does not answer pings is terminated; one that does stays', async () => {
    const { hub, url } = await hubServer({ pingIntervalMs: 100 });
    const healthy = await StreamClient.open(url());
    const silent = await StreamClient.open(url());
    silent.socket.pause();
    await waitUntil(() => hub.clientCount === 1, 3000);
    await sleep(350);
    assert.equal(hub.clientCount, 1);
    assert.equal(healthy.closeInfo, undefined);
    silent.socket.resume();
    assert.equal((await silent.closed).code, 1006, 'terminated, no close handshake');
    healthy.close();
  });

  test('client messages are ignored', async () => {
    const { hub, url } = await hubServer();
    const client = await StreamClient.open(url());
    client.socket.send('{"type":"subscribe"}');
    client.socket.send(Buffer.from([0, 1, 2, 255]), { binary: true });
    publishState(hub, 1);
    await client.waitFor(() => client.messages.length === 1, 5000);
    assert.equal(client.messages[0]?.type, 'state');
    client.close();
  });

  test('close() ends every client with 1001 and refuses new ones', async () => {
    const { hub, url } = await hubServer();
    const client = await StreamClient.open(url());
    hub.close();
    assert.deepEqual(await client.closed, { code: 1001, reason: 'server shutting down' });
    assert.deepEqual(await openRaw(url()), { code: 1001, reason: 'server shutting down' });
  });
});

/** Opens a plain client and resolves with how the server closed it. */
async function openRaw(url: string): Promise<{ code: number; reason: string }> {
  const { default: WebSocket } = await import('ws');
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
  return { code, reason: reason.toString() };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
