import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identityOf } from '../auth/authGuard';
import { statusPageHtml } from '../statusPage/page';
import { loadUiAssets, type UiAssets } from '../statusPage/uiAssets';

/** Asset URLs carry `?v=<content hash>`: such a response never changes and may be kept for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page itself and unversioned asset URLs: always revalidate, so an update shows at once. */
const REVALIDATE = 'no-cache';

interface Asset {
  type: string;
  body: (assets: UiAssets) => string;
  gzip: (assets: UiAssets) => Buffer;
}

const ASSETS: Record<string, Asset> = {
  '/assets/status.js': {
    type: 'text/javascript; charset=utf-8',
    body: (assets) => assets.js,
    gzip: (assets) => assets.jsGzip,
  },
  '/assets/status.css': {
    type: 'text/css; charset=utf-8',
    body: (assets) => assets.css,
    gzip: (assets) => assets.cssGzip,
  },
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
    // Without a login the page shows the login form at once, without asking the API for a
    // session it knows it lacks (a 401 in the console). Its own ETag, so that a browser which
    // logs in later does not keep the logged-out page from its cache.
    const loggedIn = identityOf(request) !== null;
    const tag = loggedIn ? assets.version : `${assets.version}-login`;
    return sendVersioned(request, reply, tag, 'text/html; charset=utf-8', REVALIDATE, () =>
      statusPageHtml(assets.version, loggedIn),
    );
  });

  for (const [url, asset] of Object.entries(ASSETS)) {
    app.get<{ Querystring: { v?: string } }>(url, { schema: { hide: true } }, async (request, reply) => {
      const assets = await loadUiAssets();
      const cache = request.query.v === assets.version ? IMMUTABLE : REVALIDATE;
      reply.header('vary', 'accept-encoding');
      if (acceptsGzip(request)) {
        reply.header('content-encoding', 'gzip');
        return sendVersioned(request, reply, `${assets.version}-gzip`, asset.type, cache, () =>
          asset.gzip(assets),
        );
      }
      return sendVersioned(request, reply, assets.version, asset.type, cache, () => asset.body(assets));
    });
  }
}

/** Sends `body()` with an ETag of the bundle version (and page variant), or 304 when the browser already has it. */
function sendVersioned(
  request: FastifyRequest,
  reply: FastifyReply,
  version: string,
  type: string,
  cache: string,
  body: () => string | Buffer,
) {
  const etag = `"${version}"`;
  reply.header('cache-control', cache).header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(type).send(body());
}

/** Whether the client takes gzip (every browser does; a q of 0 refuses it). */
function acceptsGzip(request: FastifyRequest): boolean {
  const accepted = request.headers['accept-encoding'];
  if (typeof accepted !== 'string') return false;
  return accepted.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip') return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}
