import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastifyStatic from '@fastify/static';
import { registerClipRoutes } from '../../../runtime/media/api/clipRoutes';
import { Metrics } from '../../../runtime/metrics/metrics';
import { WebServer } from '../../../runtime/web/webServer';
import { makeTestVideo } from '../../hal/camera/fixtures/testVideo';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore, insertIncident } from '../events/queries/eventStoreFixture';

describe('clip route', () => {
  const dataDir = tempDir();
  const store = freshStore();
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 64 * 1024,
    logger: memoryLogger().logger,
    metrics: new Metrics(),
  });
  server.app.register(fastifyStatic, { root: dataDir, serve: false });
  registerClipRoutes(server.app, { db: store.db, dataDir });
  after(() => server.stop());
  const clipPath = 'clips/2026-11-23/front-ready.mp4';
  const setClip = (id: string, state: string | null, path: string | null) =>
    store.db.prepare('UPDATE incidents SET clip_state = ?, clip_path = ? WHERE id = ?').run(state, path, id);
  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers });

  before(() => {
    mkdirSync(join(dataDir, 'clips/2026-11-23'), { recursive: true });
    makeTestVideo(join(dataDir, 'clips/2026-11-23'), {
      seconds: 2,
      fps: 5,
      width: 160,
      height: 90,
      name: 'front-ready.mp4',
    });
    for (const id of ['ready', 'recording', 'missing', 'deleted', 'none', 'escape', 'gone'])
      insertIncident(store.db, { id, startedAt: 1000 });
    setClip('ready', 'ready', clipPath);
    setClip('recording', 'recording', null);
    setClip('missing', 'missing', null);
    setClip('deleted', 'deleted', null);
    setClip('escape', 'ready', '../../etc/passwd');
    setClip('gone', 'ready', 'clips/2026-11-23/front-gone.mp4');
  });

  it('serves a ready clip as MP4, whole or by byte range for seeking', async () => {
    const bytes = readFileSync(join(dataDir, clipPath));
    const whole = await get('/api/v1/incidents/ready/clip.mp4');
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['content-type'], 'video/mp4');
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.match(String(whole.headers['cache-control']), /^private/);
    assert.deepEqual(whole.rawPayload, bytes);

    const part = await get('/api/v1/incidents/ready/clip.mp4', { range: 'bytes=100-199' });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
    assert.deepEqual(part.rawPayload, bytes.subarray(100, 200));

    const download = await get('/api/v1/incidents/ready/clip.mp4?download=true');
    assert.match(String(download.headers['content-disposition']), /attachment; filename="front-ready\.mp4"/);
  });

  it('says why there is no clip, naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['nope', /no incident with id 'nope'/],
      ['recording', /still being recorded/],
      ['missing', /nothing was recorded/],
      ['deleted', /retention deleted it/],
      ['none', /has no clip/],
      ['escape', /not a file Vigil serves/],
      ['gone', /deleted by retention/],
    ];
    for (const [id, message] of cases) {
      const reply = await get(`/api/v1/incidents/${id}/clip.mp4`);
      assert.equal(reply.statusCode, 404, id);
      assert.equal(reply.json().field, 'id', id);
      assert.match(reply.json().error, message, id);
    }
  });

  it('refuses unknown query parameters', async () => {
    const reply = await get('/api/v1/incidents/ready/clip.mp4?path=/etc/passwd');
    assert.equal(reply.statusCode, 400);
  });
});
