import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusPageHtml } from '../statusPage/page';
import { loadUiAssets, type UiAssets } from '../statusPage/uiAssets';

/** Asset URLs carry `?v=<content hash>`: such a response never changes and may be kept for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself and unversioned asset URLs: always revalidate, so an update shows at once. */
const REVALIDATE = 'no-cache';

const ASSETS: Record<string, { type: string; body: (assets: UiAssets) => string }> = {
  '/assets/status.js': { type: 'text/javascript; charset=utf-8', body: (assets) => assets.js },
  '/assets/status.css': { type: 'text/css; charset=utf-8', body: (assets) => assets.css },
};

/**
 * `/` (the status page) and its script and stylesheet under `/assets/`: the front end of
 * runtime/web/ui/, built by build.ts and embedded in the daemon bundle so the page works offline
 * and without files on disk. All three are open (the page asks for a login itself). Run from
 * sources, the front end is built on the first request (see loadUiAssets).
 */
export function registerStatusPageRoutes(app: FastifyInstance): void {
  // The page and its assets are for browsers, not API clients: not in the OpenAPI document.
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const assets = await loadUiAssets();
    return sendVersioned(request, reply, assets.version, 'text/html; charset=utf-8', REVALIDATE, () =>
      statusPageHtml(assets.version),
    );
  });

  for (const [url, asset] of Object.entries(ASSETS)) {
    app.get<{ Querystring: { v?: string } }>(url, { schema: { hide: true } }, async (request, reply) => {
      const assets = await loadUiAssets();
      const cache = request.query.v === assets.version ? IMMUTABLE : REVALIDATE;
      return sendVersioned(request, reply, assets.version, asset.type, cache, () => asset.body(assets));
    });
  }
}

/** Sends `body()` with an ETag of the bundle version, or 304 when the browser already has it. */
function sendVersioned(
  request: FastifyRequest,
  reply: FastifyReply,
  version: string,
  type: string,
  cache: string,
  body: () => string,
) {
  const etag = `"${version}"`;
  reply.header('cache-control', cache).header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(type).send(body());
}
