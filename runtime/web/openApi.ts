import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { completeOperations, type OpenApiDocument, tuplesAsPrefixItems } from './openApiDocument';

/**
 * Documents every route declared after this (awaited) call in an OpenAPI 3.1 document built from
 * the routes' own TypeBox schemas — the ones that validate the requests — served at
 * `/api/v1/openapi.json`. Each route names its `operationId` and `summary`, and `security: []`
 * when it is open; the error responses every route shares are added here (openApiDocument.ts).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil HTTP API',
        version,
        description:
          'The API of a Vigil appliance (and of the central server, `vigil central`, which serves the routes it has). ' +
          'Errors are `{ "error": "…", "field": "…" }`. Log in on the status page (session cookie) or send ' +
          '`Authorization: Bearer <http.auth.token>`; `/api/v1/health` is open.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document describes whichever appliance serves it, at its own address.
      servers: [{ url: '/', description: 'the appliance (or central server) that serves this document' }],
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
  let document: OpenApiDocument | undefined;
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => {
    // Routes are all declared once the server is ready, so the document is built once. A copy:
    // the swagger plugin's own object stays as it made it.
    document ??= completeOperations(
      tuplesAsPrefixItems(structuredClone(app.swagger() as unknown as OpenApiDocument)),
    );
    return document;
  });
}
