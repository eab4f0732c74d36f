import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Value } from '@sinclair/typebox/value';
import { applyDefaults } from '../../../../runtime/config/applyDefaults';
import { type EnrichmentConfig, EnrichmentConfigSchema } from '../../../../runtime/config/schema/enrichment';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import type { Enricher, EnrichmentContext } from '../../../../runtime/events/enrichment/types';

/** A classified event with sensible defaults; override what the test is about. */
export function makeEvent(overrides: Partial<VigilEvent> = {}): VigilEvent {
  return {
    id: 'evt-1',
    type: 'object_detected',
    timestamp: Date.UTC(2024, 5, 1, 12, 0, 0),
    receivedAt: Date.UTC(2024, 5, 1, 12, 0, 0),
    source: 'pipeline',
    camera: 'front',
    zones: [],
    label: 'person',
    objectId: null,
    confidence: 0.9,
    box: null,
    data: {},
    correlationId: 'corr-1',
    parentId: null,
    severity: 'medium',
    fingerprint: 'fp',
    incidentId: null,
    ...overrides,
  };
}

/** A test enricher: defaults that run once, quickly, with no dependencies. */
export function fakeEnricher(
  name: string,
  enrich: (event: VigilEvent, ctx: EnrichmentContext) => Promise<Record<string, unknown>>,
  overrides: Partial<Omit<Enricher, 'name' | 'enrich'>> = {},
): Enricher {
  return {
    name,
    priority: 10,
    dependsOn: [],
    timeoutMs: 1000,
    retries: 0,
    canProcess: () => true,
    enrich,
    ...overrides,
  };
}

/** A promise with its resolve exposed, to hold an enricher until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A promise that never settles except through the abort signal: an enricher that hangs. */
export function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

/** A request the chat server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A real HTTP server on 127.0.0.1 speaking whatever `respond` says; records every request. */
export async function startChatServer(
  respond: (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>,
): Promise<{ baseUrl: string; requests: ReceivedRequest[]; close: () => Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? null : JSON.parse(text),
      };
      requests.push(received);
      void respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        // Held-open (slow) responses and keep-alive sockets would otherwise keep close() waiting.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An OpenAI chat-completions response carrying `content`. */
export function chatReply(res: ServerResponse, content: string): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    }),
  );
}

/** `events.enrichment` as the config loader would produce it: schema defaults under `overrides`. */
export function enrichmentConfig(overrides: Record<string, unknown> = {}): EnrichmentConfig {
  const config = applyDefaults(EnrichmentConfigSchema, structuredClone(overrides));
  if (!Value.Check(EnrichmentConfigSchema, config))
    throw new Error(
      `test config is invalid: ${JSON.stringify([...Value.Errors(EnrichmentConfigSchema, config)])}`,
    );
  return config;
}
