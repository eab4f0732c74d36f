import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import type { Redelivery } from '../redelivery';

const RerouteBody = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      minItems: 1,
      maxItems: 1000,
      description: 'Events to send through enrichment, rules and their channels again.',
    }),
  },
  { additionalProperties: false },
);

/**
 * `POST /api/v1/dead-letters/:id/retry` — try a failed delivery again (200 with the outcome).
 * `POST /api/v1/events/reroute` — re-route stored events, e.g. after a channel was down (202).
 */
export function registerRedeliveryRoutes(app: FastifyInstance, redelivery: Redelivery): void {
  app.post<{ Params: { id: string } }>(
    '/api/v1/dead-letters/:id/retry',
    {
      schema: {
        summary: 'Retry a failed delivery',
        operationId: 'retryDeadLetter',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
      },
    },
    async (request) => redelivery.retryDeadLetter(Number(request.params.id)),
  );
  app.post<{ Body: { ids: string[] } }>(
    '/api/v1/events/reroute',
    { schema: { summary: 'Route stored events again', operationId: 'rerouteEvents', body: RerouteBody } },
    async (request, reply) => {
      const count = await redelivery.reroute(request.body.ids, 'api', 'rerouted on request');
      if (count === 0) throw new RequestError('not_found', 'none of the ids is a stored event', 'ids');
      return reply.code(202).send({ requeued: count });
    },
  );
}
