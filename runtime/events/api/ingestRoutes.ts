import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { EventInputSchema } from '../../domain/eventModel';
import { arrayItems, batchAnswer, MAX_BATCH_ITEMS, ndjsonItems } from '../batchInput';
import type { BatchItemResult, IngestOrigin } from '../eventIngest';
import type { IngestResult } from '../eventStore';
import { EventValidationError } from '../eventValidation';

/** Most bytes of one batch's body, refused (413) before anything is parsed. */
export const MAX_BATCH_BYTES = 1024 * 1024;

const NDJSON = 'application/x-ndjson';

/** What the routes need of the event processor. */
export interface IngestPort {
  ingest(body: unknown, origin: IngestOrigin): Promise<IngestResult>;
  ingestBatch(items: readonly unknown[], origin: IngestOrigin): Promise<BatchItemResult[]>;
}

const ErrorBody = Type.Object(
  { error: Type.String(), field: Type.Union([Type.String(), Type.Null()]) },
  { description: 'What was wrong, and the field at fault.' },
);

const IngestResultSchema = Type.Object({
  id: Type.String({ description: 'The stored event: the new one, or the one this was folded into.' }),
  status: Type.Union([Type.Literal('created'), Type.Literal('duplicate')]),
  duplicate_reason: Type.Optional(
    Type.String({ description: 'id: a replayed id; fingerprint or iou: a same-state repeat, folded.' }),
  ),
  folded_id: Type.Optional(
    Type.String({ description: "A folded repeat's own id; GET /api/v1/events/:id resolves it." }),
  ),
  type: Type.String(),
  severity: Type.String(),
  incident_id: Type.Union([Type.String(), Type.Null()]),
});

const BatchItemSchema = Type.Object({
  index: Type.Integer({ description: "The item's position in the batch, from 0." }),
  status: Type.Union([Type.Literal('created'), Type.Literal('duplicate'), Type.Literal('error')]),
  id: Type.Optional(
    Type.String({ description: 'created/duplicate: the stored event (folded into, for a repeat).' }),
  ),
  duplicate_reason: Type.Optional(Type.String()),
  folded_id: Type.Optional(Type.String({ description: "duplicate: the item's own id, kept as folded." })),
  type: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()),
  incident_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  field: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: 'error: the field at fault (null: not its fault).',
    }),
  ),
  error: Type.Optional(
    Type.String({ description: 'error: what was wrong; nothing of the item was stored.' }),
  ),
  retry: Type.Optional(
    Type.Boolean({ description: 'error: it could not be stored now; send it again later.' }),
  ),
  storage_full: Type.Optional(
    Type.Boolean({ description: 'error: the data partition is full; free space, then send it again.' }),
  ),
});

const BatchAnswer = Type.Object({
  results: Type.Array(BatchItemSchema, { description: 'One per item, in order.' }),
  created: Type.Integer(),
  duplicates: Type.Integer(),
  errors: Type.Integer(),
});

const BatchBody = Type.Array(EventInputSchema, {
  maxItems: MAX_BATCH_ITEMS,
  description: `A JSON array of events, or (content-type ${NDJSON}) one event per line; at most ${MAX_BATCH_ITEMS} events and ${MAX_BATCH_BYTES} bytes.`,
});

/**
 * `POST /api/v1/events`: external sources (a PIR sensor, another system) hand in an event.
 * 201 once it is on disk; 200 with `status: duplicate` for a replayed id or a folded repeat;
 * 400 naming the field for an invalid event, which changes nothing.
 *
 * `POST /api/v1/events/batch`: many events at once, as a JSON array or NDJSON, bounded in bytes
 * before anything is parsed and in items before any is decoded; answered per item in order once
 * every accepted item is durable.
 */
export function registerIngestRoutes(app: FastifyInstance, ingest: IngestPort): void {
  app.post(
    '/api/v1/events',
    {
      schema: {
        summary: 'Hand in one event',
        operationId: 'ingestEvent',
        body: EventInputSchema,
        response: {
          200: IngestResultSchema,
          201: IngestResultSchema,
          400: ErrorBody,
          503: ErrorBody,
          507: { ...ErrorBody, description: 'The data partition is full: nothing was stored.' },
        },
      },
      // The schema documents the body (OpenAPI); validation is the ingest's own, shared with the bus.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      try {
        const result = await ingest.ingest(request.body, { actor: 'api' });
        return reply.code(result.status === 'created' ? 201 : 200).send(result);
      } catch (err) {
        if (err instanceof EventValidationError) throw new RequestError('invalid', err.message, err.field);
        // A full data partition answers 507 (StorageFullError) rather than a retry-later 503.
        if (err instanceof RequestError) throw err;
        throw new RequestError(
          'unavailable',
          `the event could not be stored (${(err as Error).message}); retry later`,
        );
      }
    },
  );

  installNdjsonParser(app);
  app.post(
    '/api/v1/events/batch',
    {
      schema: {
        summary: 'Hand in a batch of events (JSON array or NDJSON)',
        description:
          'Each item is answered in order (index): created (id), duplicate (id: the event it was folded into; folded_id: its own), ' +
          'or error (field and error); a refused item stores nothing and does not hold the others back. ' +
          'Answered once every accepted item is durable.',
        operationId: 'ingestEventBatch',
        consumes: ['application/json', NDJSON],
        body: BatchBody,
        response: {
          200: BatchAnswer,
          400: { ...ErrorBody, description: 'Not an array (or NDJSON), empty, or too many items.' },
          413: { ...ErrorBody, description: `More than ${MAX_BATCH_BYTES} bytes.` },
          415: { ...ErrorBody, description: `Neither application/json nor ${NDJSON}.` },
          503: ErrorBody,
          507: { ...ErrorBody, description: 'The data partition is full: no item was stored.' },
        },
      },
      bodyLimit: MAX_BATCH_BYTES,
      // Documented above; each item is validated by the ingest, so one bad item refuses only itself.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const items = batchItems(request);
      let results: BatchItemResult[];
      try {
        results = await ingest.ingestBatch(items, { actor: 'api' });
      } catch (err) {
        throw new RequestError(
          'unavailable',
          `the batch could not be stored (${(err as Error).message}); retry later`,
        );
      }
      // Nothing stored and the disk is why: the batch as a whole answers 507, like a single event.
      const stored = results.some((r) => r.status !== 'error');
      const full = results.find((r) => r.status === 'error' && r.storage_full);
      if (!stored && full?.status === 'error') throw new RequestError('storage_full', full.error);
      return batchAnswer(results);
    },
  );
}

/** NDJSON bodies reach the batch route as bytes, bounded by its body limit; lines are counted before any is parsed. */
function installNdjsonParser(app: FastifyInstance): void {
  app.addContentTypeParser(NDJSON, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

function batchItems(request: FastifyRequest): unknown[] {
  const body = request.body;
  return Buffer.isBuffer(body) ? ndjsonItems(body) : arrayItems(body);
}
