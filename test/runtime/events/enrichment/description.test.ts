import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import { createBuiltinEnrichers } from '../../../../runtime/events/enrichment/builtins/index';
import type { ProviderError } from '../../../../runtime/events/enrichment/builtins/providerChain';
import { EnrichmentOrchestrator } from '../../../../runtime/events/enrichment/orchestrator';
import { chatReply, enrichmentConfig, makeEvent, startChatServer } from './enrichmentTestKit';

const device = { id: 'porch-pi', name: 'Porch', timezone: 'UTC' };
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const personAtPorch = makeEvent({
  zones: ['porch'],
  data: { snapshot: '/data/snap/evt-1.jpg', embedding: [0.5, 0.5], face_name: 'Alice', face_list: 'known' },
});

type Provider = { base_url: string; model: string; api_key?: string; timeout_ms?: number };

/** Runs the built-in enrichers on `event` with these providers; returns the description result. */
async function describeEvent(
  providers: Provider[],
  options: {
    budgetMs?: number;
    event?: VigilEvent;
    loadSnapshot?: (path: string) => Promise<Uint8Array | null>;
  } = {},
) {
  const config = enrichmentConfig({
    timeout_ms: 100,
    description: { budget_ms: options.budgetMs ?? 2000, providers },
  });
  const enrichers = createBuiltinEnrichers({
    config,
    device,
    cameraNames: { front: 'Front' },
    ...(options.loadSnapshot ? { loadSnapshot: options.loadSnapshot } : {}),
  });
  const results = await new EnrichmentOrchestrator(enrichers).run(options.event ?? personAtPorch);
  const description = results.find((r) => r.enricher === 'description');
  assert.equal(description?.status, 'success', 'a provider failure never fails the description');
  return description?.data as {
    text: string;
    source: string;
    model?: string;
    local_summary: string;
    provider_errors: ProviderError[];
    image_sent: boolean;
  };
}

const servers: Array<{ close: () => Promise<void> }> = [];
async function server(...args: Parameters<typeof startChatServer>) {
  const started = await startChatServer(...args);
  servers.push(started);
  return started;
}
after(() => Promise.all(servers.map((s) => s.close())));

describe('description via chat-completions providers', () => {
  it('uses the provider’s text, sending the summary, facts, snapshot and the key as Bearer', async () => {
    const vision = await server((_req, res) =>
      chatReply(res, '  A woman in a red coat rings the doorbell.  '),
    );
    const data = await describeEvent(
      [{ base_url: `${vision.baseUrl}/`, model: 'llava:7b', api_key: 'sk-test' }],
      {
        loadSnapshot: async (path) => (path === '/data/snap/evt-1.jpg' ? JPEG : null),
      },
    );

    assert.equal(data.text, 'A woman in a red coat rings the doorbell.');
    assert.equal(data.source, `${vision.baseUrl}/`);
    assert.equal(data.model, 'llava:7b');
    assert.equal(data.local_summary, '1 person in zone porch at Front, face: Alice');
    assert.deepEqual(data.provider_errors, []);
    assert.equal(data.image_sent, true);

    const [request] = vision.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/v1/chat/completions', 'a trailing slash on base_url is tolerated');
    assert.equal(request?.headers.authorization, 'Bearer sk-test');
    const body = request?.body as {
      model: string;
      stream: boolean;
      messages: Array<{ role: string; content: unknown }>;
    };
    assert.equal(body.model, 'llava:7b');
    assert.equal(body.stream, false);
    assert.equal(body.messages[0]?.role, 'system');
    const content = body.messages[1]?.content;
    assert.ok(Array.isArray(content), 'with an image, content is a list of parts');
    const [text, image] = content as [{ type: string; text: string }, { image_url: { url: string } }];
    assert.match(text.text, /Summary: 1 person in zone porch at Front, face: Alice/);
    assert.match(text.text, /"type":"object_detected"/);
    assert.doesNotMatch(text.text, /embedding|\/data\/snap/, 'embeddings and local paths stay on the device');
    assert.equal(image.image_url.url, `data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}`);
  });

  it('sends plain text content and no Authorization header without a snapshot loader or key', async () => {
    const vision = await server((_req, res) => chatReply(res, 'Someone is at the door.'));
    const data = await describeEvent([{ base_url: vision.baseUrl, model: 'qwen' }]);
    assert.equal(data.text, 'Someone is at the door.');
    assert.equal(data.image_sent, false);
    const request = vision.requests[0];
    assert.ok(request);
    assert.equal(request.headers.authorization, undefined);
    const body = request.body as { messages: Array<{ content: unknown }> };
    assert.equal(typeof body.messages[1]?.content, 'string');
  });

  it('falls back to the second provider when the first answers 500', async () => {
    const broken = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"model not loaded"}}');
    });
    const backup = await server((_req, res) => chatReply(res, 'A person at the porch.'));
    const data = await describeEvent([
      { base_url: broken.baseUrl, model: 'a' },
      { base_url: backup.baseUrl, model: 'b' },
    ]);
    assert.equal(data.text, 'A person at the porch.');
    assert.equal(data.source, backup.baseUrl);
    assert.equal(data.provider_errors.length, 1);
    assert.equal(data.provider_errors[0]?.base_url, broken.baseUrl);
    assert.match(data.provider_errors[0]?.error ?? '', /^HTTP 500: .*model not loaded/);
  });

  it('falls back on malformed JSON and on a reply without content', async () => {
    const garbled = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [ {"message": ');
    });
    const empty = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices":[]}');
    });
    const data = await describeEvent([
      { base_url: garbled.baseUrl, model: 'a' },
      { base_url: empty.baseUrl, model: 'b' },
    ]);
    assert.equal(data.source, 'local');
    assert.equal(data.text, data.local_summary);
    assert.deepEqual(
      data.provider_errors.map((e) => e.base_url),
      [garbled.baseUrl, empty.baseUrl],
    );
    assert.match(data.provider_errors[0]?.error ?? '', /^response is not JSON/);
    assert.match(data.provider_errors[1]?.error ?? '', /no text in choices\[0\]\.message\.content/);
  });

  it('gives up on a slow provider when the budget runs out and uses the local summary', async () => {
    const slow = await server(() => undefined); // accepts the request, never answers
    const never = await server((_req, res) => chatReply(res, 'too late'));
    const startedAt = performance.now();
    const data = await describeEvent(
      [
        { base_url: slow.baseUrl, model: 'big', timeout_ms: 10_000 },
        { base_url: never.baseUrl, model: 'small' },
      ],
      { budgetMs: 80 },
    );
    const elapsed = performance.now() - startedAt;

    assert.equal(data.source, 'local');
    assert.equal(data.text, '1 person in zone porch at Front, face: Alice');
    assert.match(data.provider_errors[0]?.error ?? '', /^stopped after \d+ ms: budget_ms \(80\) used up/);
    assert.match(data.provider_errors[1]?.error ?? '', /^not tried: budget_ms \(80\) used up/);
    assert.equal(never.requests.length, 0);
    assert.ok(elapsed < 1000, `bounded by the budget, took ${Math.round(elapsed)} ms`);
  });

  it('moves on when one provider exceeds its own timeout_ms, and reports an unreachable one', async () => {
    const slow = await server(() => undefined);
    const gone = await server(() => undefined);
    await gone.close();
    const good = await server((_req, res) => chatReply(res, 'A delivery driver.'));
    const data = await describeEvent([
      { base_url: slow.baseUrl, model: 'a', timeout_ms: 30 },
      { base_url: gone.baseUrl, model: 'b' },
      { base_url: good.baseUrl, model: 'c' },
    ]);
    assert.equal(data.text, 'A delivery driver.');
    assert.equal(data.model, 'c');
    assert.match(data.provider_errors[0]?.error ?? '', /^timed out after 30 ms \(timeout_ms\)/);
    assert.match(data.provider_errors[1]?.error ?? '', /ECONNREFUSED/);
  });

  it('still sends the facts when the snapshot cannot be read', async () => {
    const vision = await server((_req, res) => chatReply(res, 'Described from facts.'));
    const data = await describeEvent([{ base_url: vision.baseUrl, model: 'm' }], {
      loadSnapshot: async () => {
        throw new Error('ENOENT: no such file');
      },
    });
    assert.equal(data.text, 'Described from facts.');
    assert.equal(data.image_sent, false);
    assert.match((data as unknown as { snapshot_error: string }).snapshot_error, /ENOENT/);
  });
});
