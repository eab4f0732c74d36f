import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CentralStore } from './centralStore';

const EventsQuerySchema = Type.Object(
  {
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    camera: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "Cursor: the previous page's `next` (an arrival position; a device's events arrive in its own order).",
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

/** The central receiver's read API: `GET /api/v1/devices`, `GET /api/v1/events?device=`. */
export function registerCentralRoutes(app: FastifyInstance, store: () => CentralStore): void {
  app.get(
    '/api/v1/devices',
    { schema: { summary: 'The enrolled appliances and their sync state', operationId: 'listDevices' } },
    async () => ({
      devices: store().devices(),
    }),
  );
  app.get<{ Querystring: Static<typeof EventsQuerySchema> }>(
    '/api/v1/events',
    {
      schema: {
        summary: 'Events synced from the appliances, in arrival order',
        operationId: 'listSyncedEvents',
        querystring: EventsQuerySchema,
      },
    },
    async (request) => store().events(request.query),
  );
}
