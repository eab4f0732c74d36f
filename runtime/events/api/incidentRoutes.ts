import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { stringEnum } from '../../../base/schema';
import type { EventQueries } from '../queries/eventQueries';
import { type IncidentActions, MAX_NOTE_LENGTH } from '../queries/incidentActions';
import { INCIDENT_STATUSES } from '../queries/views';
import { Cursor, IdParams, Limit, Severity, TimeParam } from './queryRoutes';

const IncidentListQuery = Type.Object(
  {
    camera: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    state: Type.Optional(stringEnum(INCIDENT_STATUSES, 'open, ended, acknowledged or resolved.')),
    severity: Type.Optional(Severity),
    since: Type.Optional(TimeParam('Started at or after this time.')),
    until: Type.Optional(TimeParam('Started before this time.')),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const ActionBody = Type.Object(
  {
    note: Type.Optional(
      Type.String({ maxLength: MAX_NOTE_LENGTH, description: 'Why; kept in the audit trail.' }),
    ),
  },
  { additionalProperties: false },
);

export interface IncidentRouteDeps {
  queries: EventQueries;
  actions: IncidentActions;
}

/** The actor recorded in the audit trail for changes made through this API. */
const API_ACTOR = 'api';

/** The OpenAPI summary of each incident action route. */
const ACTION_SUMMARIES = {
  acknowledge: 'Acknowledge an incident',
  resolve: 'Resolve an incident',
  protect: "Protect an incident's media from retention",
  unprotect: "Let retention delete an incident's media again",
} as const;

/**
 * `GET /api/v1/incidents`, `GET /api/v1/incidents/:id`, and `POST …/:id/acknowledge`,
 * `…/:id/resolve`, `…/:id/protect` and `…/:id/unprotect` (body `{ note? }`, which may be
 * omitted), each answering once durable. A protected incident's media is spared by retention.
 */
export function registerIncidentRoutes(app: FastifyInstance, deps: IncidentRouteDeps): void {
  const { queries, actions } = deps;

  app.get<{ Querystring: Static<typeof IncidentListQuery> }>(
    '/api/v1/incidents',
    {
      schema: {
        summary: 'List incidents (events grouped), newest first',
        operationId: 'listIncidents',
        querystring: IncidentListQuery,
      },
    },
    async (request) => queries.listIncidents(request.query),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/incidents/:id',
    { schema: { summary: 'One incident with its events', operationId: 'getIncident', params: IdParams } },
    async (request) => {
      const incident = queries.getIncident(request.params.id);
      if (incident === undefined) {
        throw new RequestError(
          'not_found',
          `no incident with id '${request.params.id}' — list them with GET /api/v1/incidents`,
          'id',
        );
      }
      return incident;
    },
  );

  for (const action of ['acknowledge', 'resolve', 'protect', 'unprotect'] as const) {
    app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ActionBody> }>(
      `/api/v1/incidents/:id/${action}`,
      {
        schema: {
          summary: ACTION_SUMMARIES[action],
          operationId: `${action}Incident`,
          params: IdParams,
          body: ActionBody,
        },
        // The body is optional (`curl -X POST …/acknowledge`); fastify would otherwise say "body must be object".
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const input = {
          actor: API_ACTOR,
          ...(request.body.note !== undefined && { note: request.body.note }),
        };
        if (action === 'protect' || action === 'unprotect')
          return actions.setProtected(request.params.id, action === 'protect', input);
        return actions[action](request.params.id, input);
      },
    );
  }
}
