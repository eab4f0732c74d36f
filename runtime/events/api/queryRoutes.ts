import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { stringEnum } from '../../../base/schema';
import { SEVERITIES } from '../../domain/eventModel';
import { AGGREGATE_KEYS } from '../queries/eventAggregates';
import type { EventQueries } from '../queries/eventQueries';
import { MAX_LIMIT } from '../queries/sqlParts';

const Text = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
/** Epoch ms or ISO 8601; parsed (and a bad one named) by the queries, as a string so both forms pass. */
export const TimeParam = (description: string) => Type.String({ minLength: 1, maxLength: 40, description });
export const Limit = Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: 'Page size (default 50).' });
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'next_cursor of the previous page.',
});
export const Severity = stringEnum(SEVERITIES, 'Minimum severity: high means high and critical.');

const EventListQuery = Type.Object(
  {
    camera: Type.Optional(Text('Camera name.')),
    type: Type.Optional(
      Type.String({ minLength: 1, maxLength: 400, description: 'Type, or comma-separated types.' }),
    ),
    label: Type.Optional(Text('Object label.')),
    zone: Type.Optional(Text('Zone name.')),
    severity: Type.Optional(Severity),
    since: Type.Optional(TimeParam('From this time (inclusive).')),
    until: Type.Optional(TimeParam('Before this time (exclusive).')),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find in descriptions.' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  // A misspelt filter (camra=front) must not silently return everything.
  { additionalProperties: false },
);

const SummaryQuery = Type.Object(
  {
    by: stringEnum(AGGREGATE_KEYS, 'What to count by.'),
    since: Type.Optional(TimeParam('From this time (inclusive).')),
    until: Type.Optional(TimeParam('Before this time (exclusive).')),
    camera: Type.Optional(Text('Only this camera.')),
  },
  { additionalProperties: false },
);

const DeadLetterQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean({ description: 'true: unresolved only; false: resolved only.' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export interface QueryRouteDeps {
  queries: EventQueries;
}

/**
 * `GET /api/v1/events` (filters, cursor pagination), `/events/summary` (counts for the status
 * page), `/events/:id` (with enrichments and audit trail) and `GET /api/v1/dead-letters`.
 */
export function registerQueryRoutes(app: FastifyInstance, deps: QueryRouteDeps): void {
  const { queries } = deps;

  app.get<{ Querystring: Static<typeof EventListQuery> }>(
    '/api/v1/events',
    {
      schema: {
        summary: 'List events, newest first',
        operationId: 'listEvents',
        querystring: EventListQuery,
      },
    },
    async (request) => queries.listEvents(request.query),
  );

  // Registered as a static path, so find-my-way prefers it over `/events/:id`.
  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/api/v1/events/summary',
    {
      schema: {
        summary: 'Event counts by type, camera and label',
        operationId: 'summarizeEvents',
        querystring: SummaryQuery,
      },
    },
    async (request) => queries.aggregates(request.query),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/events/:id',
    { schema: { summary: 'One event', operationId: 'getEvent', params: IdParams } },
    async (request) => {
      const event = queries.getEvent(request.params.id);
      if (event === undefined) {
        throw new RequestError(
          'not_found',
          `no event with id '${request.params.id}' — list them with GET /api/v1/events`,
          'id',
        );
      }
      return event;
    },
  );

  app.get<{ Querystring: Static<typeof DeadLetterQuery> }>(
    '/api/v1/dead-letters',
    {
      schema: {
        summary: 'Deliveries that failed for good',
        operationId: 'listDeadLetters',
        querystring: DeadLetterQuery,
      },
    },
    async (request) => queries.listDeadLetters(request.query),
  );
}
