import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * Documents every route declared after this (awaited) call in an OpenAPI 3.1 document built from
 * the routes' own TypeBox schemas — the ones that validate the requests — served at
 * `/api/v1/openapi.json`.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil appliance API',
        version,
        description:
          'Errors are `{ "error": "…", "field": "…" }`. Log in on the status page (session cookie) or send ' +
          '`Authorization: Bearer <http.auth.token>`; `/api/v1/health` is open.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
          token: { type: 'http', scheme: 'bearer' },
          // Only where a route lists it (the MJPEG stream): the token as the password, any user name.
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    hideUntagged: false,
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
