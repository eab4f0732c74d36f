import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { EventInputSchema } from '../../domain/eventModel';
import type { IngestOrigin } from '../eventIngest';
import type { IngestResult } from '../eventStore';
import { EventValidationError } from '../eventValidation';

/**
 * `POST /api/v1/events`: external sources (a PIR sensor, another system) hand in an event.
 * 201 once it is on disk; 200 with `status: duplicate` for a replayed id or a folded repeat;
 * 400 naming the field for an invalid event, which changes nothing.
 */
export function registerIngestRoutes(
  app: FastifyInstance,
  ingest: { ingest(body: unknown, origin: IngestOrigin): Promise<IngestResult> },
): void {
  app.post(
    '/api/v1/events',
    // The schema documents the body (OpenAPI); validation is the ingest's own, shared with the bus.
    { schema: { body: EventInputSchema }, validatorCompiler: () => () => true },
    async (request, reply) => {
      try {
        const result = await ingest.ingest(request.body, { actor: 'api' });
        return reply.code(result.status === 'created' ? 201 : 200).send(result);
      } catch (err) {
        if (err instanceof EventValidationError) throw new RequestError('invalid', err.message, err.field);
        throw new RequestError(
          'unavailable',
          `the event could not be stored (${(err as Error).message}); retry later`,
        );
      }
    },
  );
}
