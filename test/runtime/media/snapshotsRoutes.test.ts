import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastifyStatic from '@fastify/static';
import { registerSnapshotRoutes } from '../../../runtime/media/api/snapshotRoutes';
import { SnapshotStore } from '../../../runtime/media/snapshots/snapshotStore';
import { Metrics } from '../../../runtime/metrics/metrics';
import type { SnapshotFiles } from '../../../runtime/store/snapshotFiles';
import { WebServer } from '../../../runtime/web/webServer';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore, insertEvent, insertIncident } from '../events/queries/eventStoreFixture';
import { photoFrame, requestFor } from './snapshotsFixture';

describe('snapshot routes', () => {
  const dataDir = tempDir();
  const store = freshStore();
  const snapshots = new SnapshotStore({ dataDir, store, timeZone: 'UTC', logger: memoryLogger().logger });
  // The web server's own app (error shape, query coercion), with @fastify/static as the media service registers it.
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 64 * 1024,
    logger: memoryLogger().logger,
    metrics: new Metrics(),
  });
  server.app.register(fastifyStatic, { root: dataDir, serve: false });
  registerSnapshotRoutes(server.app, { db: store.db, snapshots });
  after(() => server.stop());
  let files: SnapshotFiles;
  const T = Date.UTC(2024, 4, 17, 12);

  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers });
  const file = (path: string) => readFileSync(join(dataDir, path));

  before(async () => {
    const saved = await snapshots.save(requestFor(await photoFrame()));
    assert.ok(saved);
    files = saved;
    insertEvent(store.db, { id: 'ev-1', timestamp: T, data: { phase: 'new', snapshot: files.snapshot } });
    insertEvent(store.db, { id: 'ev-none', timestamp: T, data: { phase: 'new' } });
    insertEvent(store.db, { id: 'ev-escape', timestamp: T, data: { snapshot: '../../etc/passwd' } });
    writeFileSync(join(dataDir, 'secret.jpg'), 'not for the API');
    insertEvent(store.db, { id: 'ev-other', timestamp: T, data: { snapshot: 'secret.jpg' } });
    insertIncident(store.db, { id: 'inc-1', startedAt: T });
    store.db.prepare('UPDATE incidents SET snapshot_path = ? WHERE id = ?').run(files.snapshot, 'inc-1');
    insertIncident(store.db, { id: 'inc-none', startedAt: T });
  });

  it("serves an event's snapshot, its annotated variant and its thumbnail as JPEG", async () => {
    const clean = await get('/api/v1/events/ev-1/snapshot.jpg');
    assert.equal(clean.statusCode, 200);
    assert.equal(clean.headers['content-type'], 'image/jpeg');
    assert.match(String(clean.headers['cache-control']), /^private, max-age=\d+$/);
    assert.ok(clean.headers.etag);
    assert.deepEqual(clean.rawPayload, file(files.snapshot));

    const annotated = await get('/api/v1/events/ev-1/snapshot.jpg?annotated=true');
    assert.equal(annotated.statusCode, 200);
    assert.deepEqual(annotated.rawPayload, file(files.annotated));
    const plain = await get('/api/v1/events/ev-1/snapshot.jpg?annotated=false');
    assert.deepEqual(plain.rawPayload, file(files.snapshot));

    const thumbnail = await get('/api/v1/events/ev-1/thumbnail.jpg');
    assert.equal(thumbnail.statusCode, 200);
    assert.equal(thumbnail.headers['content-type'], 'image/jpeg');
    assert.deepEqual(thumbnail.rawPayload, file(files.thumbnail));
  });

  it('answers a range request with 206 and the asked bytes', async () => {
    const reply = await get('/api/v1/events/ev-1/snapshot.jpg', { range: 'bytes=0-99' });
    assert.equal(reply.statusCode, 206);
    assert.equal(reply.rawPayload.length, 100);
    assert.match(String(reply.headers['content-range']), /^bytes 0-99\/\d+$/);
    assert.deepEqual(reply.rawPayload, file(files.snapshot).subarray(0, 100));
  });

  it("serves an incident's snapshot, annotated variant and thumbnail", async () => {
    const clean = await get('/api/v1/incidents/inc-1/snapshot.jpg');
    assert.equal(clean.statusCode, 200);
    assert.deepEqual(clean.rawPayload, file(files.snapshot));
    const annotated = await get('/api/v1/incidents/inc-1/snapshot.jpg?annotated=true');
    assert.deepEqual(annotated.rawPayload, file(files.annotated));
    const thumbnail = await get('/api/v1/incidents/inc-1/thumbnail.jpg');
    assert.deepEqual(thumbnail.rawPayload, file(files.thumbnail));
  });

  it("serves a camera's latest object snapshot, and says when there is none yet", async () => {
    const latest = await get('/api/v1/cameras/front/snapshot.jpg');
    assert.equal(latest.statusCode, 200);
    assert.deepEqual(latest.rawPayload, file(files.snapshot));
    const annotated = await get('/api/v1/cameras/front/snapshot.jpg?annotated=true');
    assert.deepEqual(annotated.rawPayload, file(files.annotated));

    const none = await get('/api/v1/cameras/garage/snapshot.jpg');
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().field, 'camera');
    assert.match(none.json().error, /no object seen on camera 'garage' yet/);
  });

  it('404s an unknown id or one without a snapshot, naming the field and why', async () => {
    for (const url of ['/api/v1/events/nope/snapshot.jpg', '/api/v1/incidents/nope/thumbnail.jpg']) {
      const reply = await get(url);
      assert.equal(reply.statusCode, 404, url);
      assert.equal(reply.json().field, 'id');
      assert.match(reply.json().error, /no (event|incident) with id 'nope'/);
    }
    for (const url of ['/api/v1/events/ev-none/snapshot.jpg', '/api/v1/incidents/inc-none/snapshot.jpg']) {
      const reply = await get(url);
      assert.equal(reply.statusCode, 404, url);
      assert.equal(reply.json().field, 'id');
      assert.match(reply.json().error, /has no snapshot/);
    }
  });

  it('never serves a stored path outside the snapshot folders', async () => {
    for (const id of ['ev-escape', 'ev-other']) {
      for (const url of [`/api/v1/events/${id}/snapshot.jpg`, `/api/v1/events/${id}/thumbnail.jpg`]) {
        const reply = await get(url);
        assert.equal(reply.statusCode, 404, url);
        assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
        assert.match(reply.json().error, /not a Vigil snapshot/);
        assert.doesNotMatch(reply.body, /root:|not for the API/);
      }
    }
  });

  it('rejects unknown or malformed query parameters', async () => {
    const bad = await get('/api/v1/events/ev-1/snapshot.jpg?annotated=maybe');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'annotated');
    const unknown = await get('/api/v1/events/ev-1/snapshot.jpg?anotated=true');
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().field, 'anotated');
  });

  it('says a file removed by retention is gone', async () => {
    rmSync(join(dataDir, files.thumbnail));
    const reply = await get('/api/v1/events/ev-1/thumbnail.jpg');
    assert.equal(reply.statusCode, 404);
    assert.equal(reply.json().field, 'id');
    assert.match(reply.json().error, /thumbnail of event 'ev-1' was deleted by retention/);
  });
});
