import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerStatusPageRoutes } from '../../../../runtime/web/routes/statusPageRoutes';

/**
 * The page shell and its assets as served (from dist/ui, which the test runner builds): gzip for
 * browsers that take it, and the logged-out page marked so the script skips the session request.
 * No auth guard here, so every request is one without a login.
 */
describe('status page routes', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify();
    registerStatusPageRoutes(app);
    await app.ready();
  });
  after(() => app.close());

  test('the script comes gzipped to a browser that takes gzip, plain otherwise, and the same either way', async () => {
    const plain = await app.inject({ url: '/assets/status.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    const zipped = await app.inject({
      url: '/assets/status.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'accept-encoding');
    assert.notEqual(zipped.headers.etag, plain.headers.etag);
    assert.ok(zipped.rawPayload.length < plain.rawPayload.length / 2, 'gzip saves less than half');
    assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body);
    const refused = await app.inject({
      url: '/assets/status.css',
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    assert.equal(refused.headers['content-encoding'], undefined);
    const again = await app.inject({
      url: '/assets/status.js',
      headers: { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers.etag) },
    });
    assert.equal(again.statusCode, 304);
  });

  test('the page served without a login says so, under an ETag of its own', async () => {
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<body data-session="none">/);
    assert.match(String(page.headers.etag), /-login"$/);
  });
});
