import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestError } from '../../../base/requestError';
import { probeBoard } from '../../../hal/board/index';
import type { ServiceStatus } from '../../../runtime/lifecycle/serviceRunner';
import { Metrics } from '../../../runtime/metrics/metrics';
import { registerHealthRoutes } from '../../../runtime/web/routes/healthRoutes';
import { registerMetricsRoutes } from '../../../runtime/web/routes/metricsRoutes';
import { registerStatusPageRoutes } from '../../../runtime/web/routes/statusPageRoutes';
import { WebServer } from '../../../runtime/web/webServer';
import { memoryLogger } from '../../helpers/memoryLogger';

describe('WebServer', () => {
  const services: ServiceStatus[] = [
    { name: 'store', state: 'running', since: 0 },
    { name: 'web', state: 'running', since: 0 },
  ];
  const metrics = new Metrics();
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024,
    logger: memoryLogger().logger,
    metrics,
  });
  let base = '';

  before(async () => {
    registerHealthRoutes(server.app, {
      version: '9.9.9',
      device: { id: 'test', name: 'Test' },
      board: probeBoard(),
      startedAt: Date.now(),
      services: () => services,
      loggedIn: () => true,
    });
    registerMetricsRoutes(server.app, metrics);
    registerStatusPageRoutes(server.app);
    server.app.post(
      '/api/v1/echo',
      {
        schema: {
          body: {
            type: 'object',
            required: ['camera'],
            additionalProperties: false,
            properties: { camera: { type: 'object', properties: { fps: { type: 'integer', maximum: 30 } } } },
          },
        },
      },
      async (request) => request.body,
    );
    server.app.get('/api/v1/teapot', async () => {
      throw new RequestError('conflict', 'camera "x" does not exist', 'camera');
    });
    server.app.get('/api/v1/boom', async () => {
      throw new Error('secret internal detail');
    });
    await server.start();
    base = server.address ?? '';
  });
  after(() => server.stop());

  test('health is 200 with every service running, 503 when one failed', async () => {
    const ok = await fetch(`${base}/api/v1/health`);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { status: string; version: string; services: ServiceStatus[] };
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '9.9.9');
    assert.deepEqual(
      body.services.map((s) => s.name),
      ['store', 'web'],
    );

    services[0] = { name: 'store', state: 'failed', since: 0, error: 'disk full' };
    const bad = await fetch(`${base}/api/v1/health`);
    assert.equal(bad.status, 503);
    assert.equal(((await bad.json()) as { status: string }).status, 'failed');
    services[0] = { name: 'store', state: 'running', since: 0 };
  });

  test('errors are JSON naming the field', async () => {
    const missing = await fetch(`${base}/api/v1/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'no route for GET /api/v1/nothing', field: null });

    const invalid = await fetch(`${base}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ camera: { fps: 90 } }),
    });
    assert.equal(invalid.status, 400);
    const invalidBody = (await invalid.json()) as { error: string; field: string };
    assert.equal(invalidBody.field, 'camera.fps');
    assert.match(invalidBody.error, /camera\.fps: must be <= 30/);

    const unknown = await fetch(`${base}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ camera: {}, extra: 1 }),
    });
    assert.equal(unknown.status, 400);
    assert.equal(((await unknown.json()) as { field: string }).field, 'extra');

    const teapot = await fetch(`${base}/api/v1/teapot`);
    assert.equal(teapot.status, 409);
    assert.deepEqual(await teapot.json(), { error: 'camera "x" does not exist', field: 'camera' });

    const boom = await fetch(`${base}/api/v1/boom`);
    assert.equal(boom.status, 500);
    assert.doesNotMatch(await boom.text(), /secret internal detail/);
  });

  test('oversized bodies are refused with 413', async () => {
    const big = await fetch(`${base}/api/v1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ camera: { pad: 'x'.repeat(4096) } }),
    });
    assert.equal(big.status, 413);
    assert.equal(typeof ((await big.json()) as { error: string }).error, 'string');
  });

  test('metrics in Prometheus text and JSON with percentiles', async () => {
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/api/v1/health`)).arrayBuffer();
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^# TYPE vigil_http_request_seconds summary$/m);
    assert.match(
      text,
      /vigil_http_request_seconds_count\{method="GET",route="\/api\/v1\/health",status="200"\} \d+/,
    );

    const json = (await (await fetch(`${base}/api/v1/metrics`)).json()) as {
      summaries: Record<
        string,
        Array<{ labels: Record<string, unknown>; count: number; p99: number | null }>
      >;
      gauges: Record<string, unknown>;
    };
    const health = json.summaries.vigil_http_request_seconds?.find(
      (s) => s.labels.route === '/api/v1/health',
    );
    assert.ok(health, 'no summary for the health route');
    assert.ok(health.count >= 5);
    assert.equal(typeof health.p99, 'number');
    assert.ok('vigil_process_resident_memory_bytes' in json.gauges);
  });

  test('the status page and its assets are served with security headers', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    for (const asset of ['/assets/status.js', '/assets/status.css']) {
      assert.ok(html.includes(asset), `page does not reference ${asset}`);
      assert.equal((await fetch(`${base}${asset}`)).status, 200);
    }
  });
});
