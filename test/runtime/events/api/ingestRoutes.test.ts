import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MAX_BATCH_BYTES, registerIngestRoutes } from '../../../../runtime/events/api/ingestRoutes';
import { registerQueryRoutes } from '../../../../runtime/events/api/queryRoutes';
import { MAX_BATCH_ITEMS } from '../../../../runtime/events/batchInput';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { Metrics } from '../../../../runtime/metrics/metrics';
import { WebServer } from '../../../../runtime/web/webServer';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { ingestKit } from '../ingestKit';

/** A real web server with the ingest and query routes over a real ingest path and database. */
async function ingestApi() {
  const kit = await ingestKit();
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 64 * 1024,
    logger: memoryLogger().logger,
    metrics: new Metrics(),
  });
  await server.installPlugins('test');
  registerIngestRoutes(server.app, kit.ingest);
  registerQueryRoutes(server.app, { queries: new EventQueries({ db: kit.db, timeZone: 'UTC' }) });
  after(() => server.stop());
  await server.start();
  const base = server.address ?? '';
  async function post(path: string, body: string, contentType = 'application/json') {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  async function get(path: string) {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  return { kit, post, get };
}

interface ItemResult {
  index: number;
  status: string;
  id?: string;
  folded_id?: string;
  field?: string | null;
  error?: string;
}

const door = (id: string, state: string) => ({
  id,
  type: 'sensor',
  source: 'zigbee',
  label: 'front-door',
  data: { state },
});

describe('POST /api/v1/events/batch', () => {
  test('answers good, duplicate and bad items in order; nothing of a bad item is stored', async () => {
    const api = await ingestApi();
    const batch = [
      door('b-1', 'open'),
      door('b-2', 'open'), // same state again: folded into b-1
      { ...door('b-3', 'closed'), type: 'doorbell' }, // bad type
      door('b-4', 'closed'), // a change: new
      door('b-1', 'open'), // replayed id
      { ...door('b-6', 'open'), data: { state: 'open', nested: { deep: { deeper: 1 } } }, extra: true },
      { ...door('b-7', 'open'), timestamp: 'yesterday' },
    ];
    const answer = await api.post('/api/v1/events/batch', JSON.stringify(batch));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const results = answer.body.results as ItemResult[];
    assert.deepEqual(
      results.map((r) => [r.index, r.status, r.id ?? r.field]),
      [
        [0, 'created', 'b-1'],
        [1, 'duplicate', 'b-1'],
        [2, 'error', 'type'],
        [3, 'created', 'b-4'],
        [4, 'duplicate', 'b-1'],
        [5, 'error', 'extra'],
        [6, 'error', 'timestamp'],
      ],
    );
    assert.equal(results[1]?.folded_id, 'b-2');
    assert.match(results[2]?.error ?? '', /type: must be one of/);
    assert.deepEqual([answer.body.created, answer.body.duplicates, answer.body.errors], [2, 2, 3]);
    const ids = api.kit.db.prepare('SELECT id FROM events ORDER BY id').pluck().all();
    assert.deepEqual(ids, ['b-1', 'b-4']);
    const folds = api.kit.db.prepare('SELECT id FROM event_folds').pluck().all();
    assert.deepEqual(folds, ['b-2']);
    for (const refused of ['b-3', 'b-6', 'b-7']) {
      assert.equal((await api.get(`/api/v1/events/${refused}`)).status, 404, `${refused} left a trace`);
    }
  });

  test('takes NDJSON; a line that is not JSON is that item error', async () => {
    const api = await ingestApi();
    const body = `${JSON.stringify(door('n-1', 'open'))}\n{"type": "sensor",\n${JSON.stringify(door('n-3', 'closed'))}\n\n`;
    const answer = await api.post('/api/v1/events/batch', body, 'application/x-ndjson');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const results = answer.body.results as ItemResult[];
    assert.deepEqual(
      results.map((r) => [r.index, r.status, r.id ?? r.field]),
      [
        [0, 'created', 'n-1'],
        [1, 'error', 'body'],
        [2, 'created', 'n-3'],
      ],
    );
    assert.match(results[1]?.error ?? '', /is not JSON/);
    const poisoned = await api.post(
      '/api/v1/events/batch',
      '{"type":"sensor","data":{"__proto__":{"admin":true}}}',
      'application/x-ndjson',
    );
    assert.equal((poisoned.body.results as ItemResult[])[0]?.status, 'error');
  });

  test('bounded: too many items or bytes, an empty batch, or not an array are refused whole', async () => {
    const api = await ingestApi();
    const before = api.kit.count();
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => ({ type: 'motion', source: `m${i}` }));
    const tooMany = await api.post('/api/v1/events/batch', JSON.stringify(many));
    assert.deepEqual([tooMany.status, tooMany.body.field], [400, 'body']);
    assert.match(String(tooMany.body.error), /at most 1000/);
    const lines = many.map((e) => JSON.stringify(e)).join('\n');
    const tooManyLines = await api.post('/api/v1/events/batch', lines, 'application/x-ndjson');
    assert.equal(tooManyLines.status, 400);
    const huge = JSON.stringify([{ type: 'motion', data: { pad: 'x'.repeat(MAX_BATCH_BYTES) } }]);
    const tooBig = await api.post('/api/v1/events/batch', huge);
    assert.equal(tooBig.status, 413);
    assert.equal((await api.post('/api/v1/events/batch', '[]')).status, 400);
    const object = await api.post('/api/v1/events/batch', JSON.stringify(door('x', 'open')));
    assert.deepEqual([object.status, object.body.field], [400, 'body']);
    assert.equal((await api.post('/api/v1/events/batch', '<event/>', 'application/xml')).status, 415);
    assert.equal(api.kit.count(), before, 'a refused batch stored something');
  });
});

describe('GET /api/v1/events/:id of a folded repeat', () => {
  test('answers with the event it was folded into and says so', async () => {
    const api = await ingestApi();
    assert.equal((await api.post('/api/v1/events', JSON.stringify(door('f-1', 'open')))).status, 201);
    const repeat = await api.post('/api/v1/events', JSON.stringify(door('f-2', 'open')));
    assert.deepEqual([repeat.status, repeat.body.id, repeat.body.folded_id], [200, 'f-1', 'f-2']);
    const folded = await api.get('/api/v1/events/f-2');
    assert.equal(folded.status, 200);
    assert.deepEqual([folded.body.id, folded.body.folded_into, folded.body.folded_id], ['f-1', 'f-1', 'f-2']);
    const original = await api.get('/api/v1/events/f-1');
    assert.equal(original.body.folded_into, undefined);
    assert.equal((await api.get('/api/v1/events/f-3')).status, 404);
  });
});
