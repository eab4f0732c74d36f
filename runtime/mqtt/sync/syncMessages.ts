import { gunzipSync, gzipSync } from 'node:zlib';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fieldPath } from '../../../base/fieldPath';
import { EventJsonSchema } from '../../domain/eventJson';

/**
 * The wire format between an appliance and the central receiver (`vigil central`).
 *
 * Appliance → `<prefix>/<id>/events`: one batch of events, oldest first. `seq` is the event's
 * place in the appliance's ingest order; it only grows, so the central side can keep order per
 * device (and per camera) whatever happened on the way.
 *
 * Central → `<prefix>/<id>/ack`: the ids it has stored (committed and fsync'd), including ids it
 * already had (a batch sent again after a lost ack). Only then does the appliance let go of them:
 * a broker's PUBACK only says the broker has the message, and a broker can lose its queue.
 *
 * Either may be gzip'd (the payload then starts with gzip's magic bytes 1f 8b).
 */
export const SYNC_FORMAT_VERSION = 1;

const Id = Type.String({ minLength: 1, maxLength: 128 });

const EventBatchSchema = Type.Object(
  {
    v: Type.Literal(SYNC_FORMAT_VERSION),
    device: Type.String({ minLength: 1, maxLength: 63 }),
    batch: Id,
    sent_at: Type.Integer({ minimum: 0 }),
    events: Type.Array(
      Type.Object({
        seq: Type.Integer({ minimum: 0 }),
        event: EventJsonSchema,
      }),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export type EventBatch = Static<typeof EventBatchSchema>;

const AckSchema = Type.Object(
  {
    v: Type.Literal(SYNC_FORMAT_VERSION),
    batch: Id,
    ids: Type.Array(Id, { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type Ack = Static<typeof AckSchema>;

const batchCheck = TypeCompiler.Compile(EventBatchSchema);
const ackCheck = TypeCompiler.Compile(AckSchema);

/** A sync message that cannot be used; `field` names what is wrong. */
export class SyncMessageError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SyncMessageError';
  }
}

export function encodeSyncMessage(message: EventBatch | Ack, gzip: boolean): Buffer {
  const json = Buffer.from(JSON.stringify(message));
  return gzip ? gzipSync(json, { level: 6 }) : json;
}

export function decodeEventBatch(payload: Buffer): EventBatch {
  return decode(payload, batchCheck) as EventBatch;
}

export function decodeAck(payload: Buffer): Ack {
  return decode(payload, ackCheck) as Ack;
}

function decode(payload: Buffer, check: typeof batchCheck | typeof ackCheck): unknown {
  let value: unknown;
  try {
    const json = payload[0] === 0x1f && payload[1] === 0x8b ? gunzipSync(payload) : payload;
    value = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new SyncMessageError('payload', `is not JSON (or gzip'd JSON): ${(err as Error).message}`);
  }
  if (check.Check(value)) {
    if (check === batchCheck) checkTimestamps(value as EventBatch);
    return value;
  }
  const first = check.Errors(value).First();
  const field = fieldPath(first?.path, 'payload');
  throw new SyncMessageError(field, first?.message ?? 'is not a valid sync message');
}

function checkTimestamps(batch: EventBatch): void {
  batch.events.forEach(({ event }, i) => {
    if (Number.isNaN(Date.parse(event.timestamp)))
      throw new SyncMessageError(`events.${i}.event.timestamp`, 'is not an ISO 8601 date-time');
  });
}
