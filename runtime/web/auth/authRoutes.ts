import rateLimit from '@fastify/rate-limit';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../base/logger';
import { RequestError } from '../../../base/requestError';
import { identityOf } from './authGuard';
import { type AuthService, SESSION_COOKIE } from './authService';
import { type LoginLimits, LoginThrottle } from './loginThrottle';
import { sessionView } from './sessionView';

const LoginBody = Type.Object(
  {
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'The admin password.' }),
    user: Type.Optional(Type.Literal('admin', { description: 'The only user; may be left out.' })),
  },
  { additionalProperties: false },
);

export interface AuthRoutesOptions {
  auth: AuthService;
  /** `http.auth.login_attempts_per_minute` */
  attemptsPerMinute: number;
  /** The limits across every address: a global cap on failures and the backoff. */
  limits: LoginLimits;
  logger: Logger;
}

/** What the OpenAPI document says of the session routes; logging out is open (`security: []`). */
const SESSION_ROUTE = {
  schema: { tags: ['auth'], summary: 'Who is logged in, and until when', operationId: 'getSession' },
};
const LOGOUT_ROUTE = {
  schema: { tags: ['auth'], summary: 'End the session', operationId: 'logOut', security: [] },
};

/**
 * `POST /api/v1/auth/login` (rate-limited per client address, and across all of them by
 * {@link LoginThrottle}), `POST /api/v1/auth/logout` and `GET /api/v1/auth/session`. The session
 * cookie is HttpOnly and SameSite=Strict, and Secure whenever the page is served over HTTPS.
 */
export function registerAuthRoutes(app: FastifyInstance, options: AuthRoutesOptions): void {
  const { auth, logger } = options;
  const throttle = new LoginThrottle(options.limits);
  app.get('/api/v1/auth/session', SESSION_ROUTE, async (request) => {
    const identity = identityOf(request);
    if (!identity) throw new RequestError('unauthorized', 'not logged in');
    return sessionView(identity);
  });

  app.post('/api/v1/auth/logout', LOGOUT_ROUTE, async (request, reply) => {
    await auth.logout(request.cookies[SESSION_COOKIE]);
    clearCookie(request, reply);
    return reply.code(204).send();
  });

  // Its own scope, so the limiter applies to the login route only.
  app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => tooManyAttempts(Math.ceil(context.ttl / 1000)),
    });
    scope.post<{ Body: Static<typeof LoginBody> }>(
      '/api/v1/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in with the admin password',
          operationId: 'logIn',
          security: [],
          body: LoginBody,
        },
        config: { rateLimit: { max: options.attemptsPerMinute, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        if (!auth.enabled) throw new RequestError('conflict', 'login is off (http.auth.enabled: false)');
        const verdict = await throttle.attempt(() => auth.login(request.body.password));
        if (verdict.kind === 'wait') {
          const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
          reply.header('retry-after', String(seconds));
          throw tooManyAttempts(seconds);
        }
        if (verdict.kind === 'wrong') {
          logger.warn(
            { address: request.ip, failuresInARow: throttle.failuresInARow },
            'login failed: wrong password',
          );
          throw new RequestError('unauthorized', 'wrong password', 'password');
        }
        logger.info({ address: request.ip }, 'logged in');
        const { token, session } = verdict.opened;
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: request.protocol === 'https',
          expires: new Date(session.expiresAt),
        });
        return sessionView({ user: 'admin', method: 'session', expiresAt: session.expiresAt });
      },
    );
  });
}

/** The one answer of every login limit, per address or global; the wait is also in Retry-After. */
function tooManyAttempts(seconds: number): RequestError {
  return new RequestError(
    'too_many_requests',
    `too many login attempts — wait ${seconds} s and try again`,
    'password',
  );
}

function clearCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
  });
}
