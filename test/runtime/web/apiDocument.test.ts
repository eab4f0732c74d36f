import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../helpers/tempDir';
import { startApp } from './auth/authKit';
import { fastifyRoutes, lintOpenApi } from './openApiLint';

const TOKEN = { authorization: 'Bearer t0ken' };

interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
  requestBody?: { content: Record<string, { schema: unknown }> };
}

interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  servers?: Array<{ url: string }>;
  components: { schemas: { RequestError: { required: string[] } } };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/**
 * Routes fastify serves that are not part of the API document, and why: the document itself,
 * the status page and its assets (for browsers), the live stream (a WebSocket, which OpenAPI
 * cannot describe).
 */
const NOT_IN_DOCUMENT = [
  'GET /api/v1/openapi.json',
  'GET /',
  'GET /assets/status.js',
  'GET /assets/status.css',
  'GET /api/v1/ws',
  'GET /api/v1/cameras/:camera/live',
];

/** Every schema node of the document that still holds a draft-07 tuple (`items: [...]`). */
function draft07Tuples(node: unknown, at = '#'): string[] {
  if (node === null || typeof node !== 'object') return [];
  const here =
    !Array.isArray(node) && (Array.isArray((node as { items?: unknown }).items) || 'additionalItems' in node);
  return [
    ...(here ? [at] : []),
    ...Object.entries(node).flatMap(([key, child]) => draft07Tuples(child, `${at}/${key}`)),
  ];
}

/** What the design promises a client (CLI, Home Assistant, scripts), by path and method. */
const PROMISED: ReadonlyArray<[string, string]> = [
  ['/api/v1/events', 'get'],
  ['/api/v1/events', 'post'],
  ['/api/v1/events/batch', 'post'],
  ['/api/v1/events/{id}', 'get'],
  ['/api/v1/events/{id}/snapshot.jpg', 'get'],
  ['/api/v1/events/summary', 'get'],
  ['/api/v1/incidents', 'get'],
  ['/api/v1/incidents/{id}', 'get'],
  ['/api/v1/incidents/{id}/clip.mp4', 'get'],
  ['/api/v1/faces', 'get'],
  ['/api/v1/faces', 'post'],
  ['/api/v1/faces/{name}', 'delete'],
  ['/api/v1/cameras', 'get'],
  ['/api/v1/cameras/{camera}', 'patch'],
  ['/api/v1/cameras/{camera}/latest.jpg', 'get'],
  ['/api/v1/stats', 'get'],
  ['/api/v1/metrics', 'get'],
  ['/api/v1/health', 'get'],
  ['/api/v1/gpio', 'get'],
  ['/api/v1/gpio/{name}', 'post'],
  ['/api/v1/alarm', 'get'],
  ['/api/v1/alarm', 'put'],
  ['/api/v1/config', 'get'],
  ['/api/v1/errors', 'get'],
  ['/api/v1/auth/login', 'post'],
];

describe('HTTP API document and status routes', () => {
  it('serves an OpenAPI 3.1 document of every route, with the schemas that validate the bodies', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const response = await fetch(`${running.url}/api/v1/openapi.json`, { headers: TOKEN });
      assert.equal(response.status, 200);
      const doc = (await response.json()) as OpenApiDocument;
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(doc.info.version, running.app.parts.version);
      for (const [path, method] of PROMISED)
        assert.ok(doc.paths[path]?.[method], `${method} ${path} is documented`);
      // Every documented body schema is the one the route validates with: a body the document
      // calls invalid is refused by the server, naming the field.
      const login = doc.paths['/api/v1/auth/login']?.post?.requestBody?.content['application/json']
        ?.schema as {
        required: string[];
      };
      assert.deepEqual(login.required, ['password']);
      const refused = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { field: string }).field, 'password');
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          if (!['post', 'put', 'patch'].includes(method)) continue;
          const bodyless = ['/api/v1/auth/logout', '/api/v1/dead-letters/{id}/retry'].includes(path);
          const incidentAction = /^\/api\/v1\/incidents\/\{id\}\//.test(path);
          if (bodyless || incidentAction) continue;
          assert.ok(
            operation.requestBody?.content['application/json']?.schema,
            `${method} ${path} has a body schema`,
          );
        }
      }
    } finally {
      await running.stop();
    }
  });

  it("passes Redocly's recommended rules and documents every route fastify serves", async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const doc = (await (
        await fetch(`${running.url}/api/v1/openapi.json`, { headers: TOKEN })
      ).json()) as OpenApiDocument;
      const problems = await lintOpenApi(doc);
      assert.deepEqual(
        problems.filter((p) => p.severity === 'error'),
        [],
        'no errors under the recommended ruleset',
      );
      // The one warning left: health is open and reads no input, so no 4xx can be documented.
      assert.deepEqual(
        problems.filter((p) => p.severity === 'warn').map((p) => `${p.rule} ${p.pointer}`),
        ['operation-4xx-response #/paths/~1api~1v1~1health/get/responses'],
      );
      assert.deepEqual(
        doc.servers?.map((s) => s.url),
        ['/'],
      );
      assert.deepEqual(draft07Tuples(doc), [], 'tuples are prefixItems (JSON Schema 2020-12)');

      const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
      );
      const documented = new Set(
        operations.map(({ path, method }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      const served = fastifyRoutes(running.app.parts.web.app.printRoutes({ commonPrefix: false }));
      assert.ok(served.length > 40, `fastify's routes were read (${served.length})`);
      assert.deepEqual(
        served.filter((route) => !documented.has(route)).sort(),
        [...NOT_IN_DOCUMENT].sort(),
        'every route but the page, its assets, the document and the WebSockets is documented',
      );
      const ids = operations.map(({ operation }) => operation.operationId ?? '');
      for (const id of ids) assert.match(id, /^[a-z][a-zA-Z0-9]+$/, 'operationIds are camelCase');
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');

      // Security as documented: every GET without credentials is refused exactly when the document
      // says it needs a login, and the refusal is the documented error body.
      const errorSchema = doc.components.schemas.RequestError;
      for (const { path, method, operation } of operations) {
        if (method !== 'get') continue;
        const response = await fetch(`${running.url}${path.replace(/\{\w+\}/g, '1')}`);
        const open = operation.security?.length === 0;
        assert.equal(response.status === 401, !open, `GET ${path} without a login: ${response.status}`);
        if (response.status !== 401) continue;
        assert.ok(operation.responses?.['401'], `GET ${path} documents its 401`);
        const body = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(
          Object.keys(body).sort(),
          [...errorSchema.required].sort(),
          `GET ${path}: the error body`,
        );
      }
      // A 404 and a 400, as documented for a path naming an id and a query.
      for (const [url, status] of [
        ['/api/v1/events/no-such-event', 404],
        ['/api/v1/events?limit=0', 400],
      ] as const) {
        const response = await fetch(`${running.url}${url}`, { headers: TOKEN });
        assert.equal(response.status, status, url);
        const body = (await response.json()) as { error: unknown; field: unknown };
        assert.deepEqual(Object.keys(body).sort(), [...errorSchema.required].sort(), url);
        assert.equal(typeof body.error, 'string');
      }
      assert.ok(doc.paths['/api/v1/events/{id}']?.get?.responses?.['404']);
      assert.ok(doc.paths['/api/v1/events']?.get?.responses?.['400']);
      // Statuses a route's shape does not tell, named by operationId in the generator.
      const login = doc.paths['/api/v1/auth/login']?.post?.responses ?? {};
      assert.deepEqual(
        ['401', '409', '429'].filter((status) => !login[status]),
        [],
      );
      for (const [path, method] of [
        ['/api/v1/cameras/{camera}', 'patch'],
        ['/api/v1/alarm', 'put'],
        ['/api/v1/gpio/{name}', 'post'],
        ['/api/v1/incidents/{id}/acknowledge', 'post'],
        ['/api/v1/dead-letters/{id}/retry', 'post'],
        ['/api/v1/faces', 'post'],
        ['/api/v1/faces/unknown/{id}/enroll', 'post'],
      ] as const) {
        assert.ok(doc.paths[path]?.[method]?.responses?.['409'], `${method} ${path} documents its 409`);
      }
    } finally {
      await running.stop();
    }
  });

  it('validates a tuple as before: a point of three numbers is refused, naming it', async () => {
    const running = await startApp(tempDir(), 'auth: { token: t0ken }');
    try {
      const response = await fetch(`${running.url}/api/v1/cameras/front`, {
        method: 'PATCH',
        headers: { ...TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({
          motion: {
            mask: [
              [
                [0, 0, 0],
                [1, 0],
                [1, 1],
              ],
            ],
          },
        }),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { field: string }).field, 'motion.mask.0.0');
    } finally {
      await running.stop();
    }
  });

  it('reports the board in stats, the recent problems, and the config with its secrets redacted', async () => {
    const running = await startApp(
      tempDir(),
      'auth: { token: t0ken }',
      'mqtt: { enabled: false, url: "mqtt://user:pw@hub:1883", password: hunter2 }',
    );
    try {
      const stats = (await (await fetch(`${running.url}/api/v1/stats`, { headers: TOKEN })).json()) as {
        cameras: object;
        service: Record<string, unknown>;
      };
      assert.deepEqual(stats.cameras, {});
      assert.equal(stats.service.version, running.app.parts.version);
      assert.equal(typeof stats.service.uptime_seconds, 'number');
      assert.equal((stats.service.board as { model: string }).model, running.app.parts.board.model);
      assert.equal(typeof stats.service.memory_used_percent, 'number');
      assert.ok('cpu_throttled' in stats.service && 'cpu_temperature' in stats.service);

      running.app.parts.logging
        .forModule('camera')
        .error({ err: new Error('ffmpeg exited 1') }, 'camera front lost');
      const problems = (await (await fetch(`${running.url}/api/v1/errors`, { headers: TOKEN })).json()) as {
        errors: Array<{ level: string; module: string; message: string }>;
      };
      assert.deepEqual(problems.errors[0], {
        ...problems.errors[0],
        level: 'error',
        module: 'camera',
        message: 'camera front lost: ffmpeg exited 1',
      });

      const config = await (await fetch(`${running.url}/api/v1/config`, { headers: TOKEN })).text();
      assert.ok(!config.includes('hunter2') && !config.includes('t0ken'), 'no secret in the config output');
      assert.match(config, /"id":"auth-test"/);
    } finally {
      await running.stop();
    }
  });
});
