import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { applyDefaults } from '../../../../runtime/config/applyDefaults';
import { validate } from '../../../../runtime/config/validate';
import {
  ChannelError,
  WebhookChannel,
  type WebhookConfig,
  WebhooksSchema,
} from '../../../../runtime/events/routing/index';
import type { Decision } from '../../../../runtime/rules/index';
import { makeEvent } from '../../rules/ruleTestKit';
import { webhookServer } from './webhookServer';

const decision: Decision = {
  allowed: true,
  severity: 'high',
  routes: ['webhook:ops'],
  tags: ['alert'],
  set: {},
  matched: ['r'],
};

function config(url: string, overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    url,
    headers: {},
    timeout_ms: 2000,
    retries: 3,
    backoff_ms: 5,
    min_severity: 'info',
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChannelError, `expected a ChannelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the delivery to fail');
}

// A port nothing listens on: bind one, then free it.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('webhook channel', () => {
  it('POSTs the event and decision as JSON with the configured headers', async () => {
    const server = await webhookServer([{ status: 204 }]);
    const channel = new WebhookChannel(
      'ops',
      config(server.url, { headers: { Authorization: 'Bearer s3cret' } }),
    );
    const event = makeEvent({ id: 'ev-42' });
    assert.equal(channel.name, 'webhook:ops');
    assert.deepEqual(await channel.deliver(event, decision), { attempts: 1 });
    const [request] = server.received;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.equal(request?.headers.authorization, 'Bearer s3cret');
    assert.equal(request?.headers['idempotency-key'], 'ev-42');
    assert.deepEqual(JSON.parse(request?.body ?? ''), { event, decision });
  });

  it('retries 5xx with backoff and succeeds on the third try', async () => {
    const server = await webhookServer([{ status: 500 }, { status: 500 }, { status: 200 }]);
    const channel = new WebhookChannel('ops', config(server.url, { backoff_ms: 40 }));
    assert.deepEqual(await channel.deliver(makeEvent(), decision), { attempts: 3 });
    const [first, second, third] = server.received.map((request) => request.at);
    assert.equal(server.received.length, 3);
    // Waits of 40 ms, then 80 ms: the backoff doubles.
    assert.ok((second ?? 0) - (first ?? 0) >= 39, 'first wait is backoff_ms');
    assert.ok((third ?? 0) - (second ?? 0) >= 79, 'second wait is twice as long');
  });

  it('retries 429, and gives up after `retries` with the last answer', async () => {
    const server = await webhookServer([{ status: 429 }, { status: 503, body: 'down for maintenance' }]);
    const error = await failure(
      new WebhookChannel('ops', config(server.url, { retries: 2 })).deliver(makeEvent(), decision),
    );
    assert.equal(error.attempts, 3);
    assert.equal(server.received.length, 3);
    assert.match(
      error.message,
      /^webhook 'ops': POST http:\/\/127\.0\.0\.1:\d+\/hook answered 503 Service Unavailable: down for maintenance \(3 attempts\)/,
    );
  });

  it('does not retry other 4xx', async () => {
    const server = await webhookServer([{ status: 404, body: 'no such hook' }, { status: 200 }]);
    const error = await failure(new WebhookChannel('ops', config(server.url)).deliver(makeEvent(), decision));
    assert.equal(error.attempts, 1);
    assert.equal(server.received.length, 1);
    assert.match(
      error.message,
      /answered 404 Not Found: no such hook — the receiver refused the request; check events\.webhooks\.ops\.url/,
    );
  });

  it('times out a receiver that never answers, and retries it', async () => {
    const server = await webhookServer(['hang', 'hang', { status: 200 }]);
    const once = new WebhookChannel('ops', config(server.url, { timeout_ms: 50, retries: 0 }));
    const error = await failure(once.deliver(makeEvent(), decision));
    assert.equal(error.attempts, 1);
    assert.match(
      error.message,
      /no answer from http:\/\/127\.0\.0\.1:\d+\/hook within 50 ms — check the receiver, or raise events\.webhooks\.ops\.timeout_ms/,
    );
    const retried = new WebhookChannel('ops', config(server.url, { timeout_ms: 50, retries: 2 }));
    assert.deepEqual(await retried.deliver(makeEvent(), decision), { attempts: 2 });
  });

  it('retries a refused connection and reports it without the URL password', async () => {
    const port = await closedPort();
    const channel = new WebhookChannel('ops', config(`http://user:pw@127.0.0.1:${port}/x`, { retries: 1 }));
    const error = await failure(channel.deliver(makeEvent(), decision));
    assert.equal(error.attempts, 2);
    assert.match(error.message, new RegExp(`POST http://127\\.0\\.0\\.1:${port}/x failed: ECONNREFUSED`));
    assert.doesNotMatch(error.message, /pw/);
  });

  it('sends URL credentials as Basic authorization', async () => {
    const server = await webhookServer([{ status: 200 }]);
    const url = server.url.replace('http://', 'http://vigil:p%40ss@');
    await new WebhookChannel('ops', config(url)).deliver(makeEvent(), decision);
    assert.equal(
      server.received[0]?.headers.authorization,
      `Basic ${Buffer.from('vigil:p@ss').toString('base64')}`,
    );
    assert.equal(server.received[0]?.url, '/hook');
  });

  it('skips events below min_severity without sending', async () => {
    const server = await webhookServer([{ status: 200 }]);
    const channel = new WebhookChannel('ops', config(server.url, { min_severity: 'critical' }));
    assert.deepEqual(await channel.deliver(makeEvent(), decision), {
      attempts: 0,
      skipped: 'severity high is below min_severity critical',
    });
    assert.equal(server.received.length, 0);
  });

  it('stops retrying when its signal aborts', async () => {
    const server = await webhookServer([{ status: 500 }]);
    const controller = new AbortController();
    const channel = new WebhookChannel('ops', config(server.url, { backoff_ms: 60_000 }), {
      signal: controller.signal,
    });
    const pending = failure(channel.deliver(makeEvent(), decision));
    // Abort once the first attempt was answered; on a loaded machine the client may still be
    // reading that answer, so either "stopped" message is right — what matters is no 60 s wait.
    while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const startedWaiting = performance.now();
    controller.abort();
    const error = await pending;
    assert.ok(error.attempts <= 1);
    assert.match(error.message, /stopped/);
    assert.ok(performance.now() - startedWaiting < 5000, 'the retry backoff was not cut short');
  });
});

describe('webhook config schema', () => {
  it('fills defaults and names bad settings', () => {
    const value = applyDefaults(WebhooksSchema, { ops: { url: 'https://hooks.example.net/vigil' } });
    assert.deepEqual(validate(WebhooksSchema, value, ['events', 'webhooks']), []);
    assert.deepEqual(value, {
      ops: {
        url: 'https://hooks.example.net/vigil',
        headers: {},
        timeout_ms: 5000,
        retries: 3,
        backoff_ms: 500,
        min_severity: 'info',
      },
    });
    const bad = applyDefaults(WebhooksSchema, { ops: { url: 'ftp://x', retries: -1, min_severity: 'hgh' } });
    assert.deepEqual(
      validate(WebhooksSchema, bad, ['events', 'webhooks']).map((issue) => issue.path.join('.')),
      ['events.webhooks.ops.url', 'events.webhooks.ops.retries', 'events.webhooks.ops.min_severity'],
    );
  });
});
