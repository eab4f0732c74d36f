import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { type AuthService, SESSION_COOKIE } from './authService';
import type { Identity } from './sessionView';

/**
 * API routes anyone may call. Matched on the route pattern fastify resolved, not on the raw URL,
 * so encodings and extra slashes cannot sneak past.
 */
const PUBLIC_ROUTES = new Set(['/api/v1/health', '/api/v1/auth/login', '/api/v1/auth/logout']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Routes that also take HTTP Basic (the token as password), for clients that speak nothing else:
 * Home Assistant's MJPEG camera (the stream) and generic camera (the snapshot). Only these: a
 * browser sends a remembered Basic password along with any request, from any site, as it does a
 * cookie, and these only read images. Their 401 asks for it (`WWW-Authenticate`).
 */
const BASIC_ROUTES = new Set([
  '/api/v1/cameras/:camera/stream.mjpeg',
  '/api/v1/cameras/:camera/snapshot.jpg',
]);
const BASIC_CHALLENGE = 'Basic realm="Vigil", charset="UTF-8"';

function isPublic(route: string | undefined): boolean {
  if (route === undefined) return false;
  return PUBLIC_ROUTES.has(route);
}

/**
 * Whether the request needs a login: the API (its unknown routes too, so they reveal nothing) and
 * `/metrics`. Everything else is the page and its assets.
 */
function isProtected(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (isPublic(route)) return false;
  const path = route ?? request.url.split('?', 1)[0] ?? '';
  return path.startsWith('/api/') || path === '/metrics';
}

const identities = new WeakMap<FastifyRequest, Identity>();

/** The identity the guard found for this request (null on public routes without one). */
export function identityOf(request: FastifyRequest): Identity | null {
  return identities.get(request) ?? null;
}

/**
 * Refuses every protected request without a valid session cookie or bearer token (or, on the
 * {@link BASIC_ROUTES}, Basic password) with 401, and
 * cookie-authenticated requests that change something or open the live stream from another
 * site (403: the browser sends the cookie along with a forged cross-site request).
 */
export function installAuthGuard(app: FastifyInstance, auth: AuthService): void {
  // A callback hook, not an async one: it runs on every request (an async hook costs a promise each).
  app.addHook('onRequest', (request, reply, done) => {
    let refused: Error | undefined;
    const basic = takesBasic(request);
    try {
      refused = refusal(request, auth, basic);
    } catch (err) {
      // e.g. the session store failing: answered as the error it is, never as "let through".
      refused = err as Error;
    }
    // Not to the status page (it sent its expired session): its own login form asks, not a dialog.
    const fromPage = request.cookies[SESSION_COOKIE] !== undefined;
    if (basic && !fromPage && refused instanceof RequestError && refused.kind === 'unauthorized')
      reply.header('www-authenticate', BASIC_CHALLENGE);
    done(refused);
  });
}

function takesBasic(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && BASIC_ROUTES.has(route) && request.method === 'GET';
}

/** Why the request is refused, or undefined when it may go on. */
function refusal(request: FastifyRequest, auth: AuthService, basic: boolean): RequestError | undefined {
  const identity = auth.identify(request, basic);
  if (identity) identities.set(request, identity);
  if (!isProtected(request)) return undefined;
  if (!identity) {
    return new RequestError(
      'unauthorized',
      basic
        ? 'log in first: open the status page, or send Authorization: Bearer <http.auth.token>, or HTTP Basic with http.auth.token as the password'
        : 'log in first: open the status page, or send Authorization: Bearer <http.auth.token>',
    );
  }
  const changes = !SAFE_METHODS.has(request.method) || request.headers.upgrade !== undefined;
  if (identity.method === 'session' && changes && !sameOrigin(request)) {
    return new RequestError(
      'forbidden',
      'cross-site request refused: send it from the status page itself',
      'origin',
    );
  }
  return undefined;
}

/** No Origin (curl, scripts) or an Origin naming this host. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
