import { gunzipSync, gzipSync } from 'node:zlib';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fieldPath } from '../../../base/fieldPath';
import { equalsConstantTime, hmacSha256 } from '../../../base/hmac';
import { EventJsonSchema } from '../../domain/eventJson';

/**
 * The wire format between an appliance and the central receiver (`vigil central`).
 *
 * Appliance → `<prefix>/<id>/events`: one batch of events, oldest first. `seq` numbers the events
 * the appliance has sent, 1, 2, 3… without gaps, and `acked_through` is the last seq the central
 * side has acknowledged: a batch continues right after it (or repeats unacknowledged ones), so the
 * sequence moves forward by at most the batch's size and cannot skip or jump.
 *
 * Central → `<prefix>/<id>/ack`: the ids it has stored (committed and fsync'd), including ids it
 * already had (a batch sent again after a lost ack). Only then does the appliance let go of them:
 * a broker's PUBACK only says the broker has the message, and a broker can lose its queue.
 *
 * Every message is signed with the appliance's device key, which both ends hold and the broker
 * never sees: `<signature>\n<body>`, the signature being HMAC-SHA256 over the topic and the body
 * bytes (base64url, 43 characters). The topic is inside the signature, so a batch cannot be
 * replayed as another device's nor an ack as a batch. The body is JSON, or gzip'd JSON (it then
 * starts with gzip's magic bytes 1f 8b); the signature is checked before anything is unzipped or
 * parsed, and unzipping stops at a size limit.
 */
export const SYNC_FORMAT_VERSION = 2;

/** The largest batch body, unzipped: the appliance never makes a larger one (see OutboxQueue.nextBatch). */
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
/** The largest ack body: 10,000 ids of at most 128 characters, quoted and separated. */
const MAX_ACK_BYTES = 1_400_000;

const SIGNATURE_LENGTH = 43;
/** The signature line (signature and newline) and a margin for gzip's header on a small body. */
const SIGNED_OVERHEAD_BYTES = 64;
/** The largest signed batch message taken off the wire: signature line and (zipped or not) body. */
export const MAX_SIGNED_BATCH_BYTES = MAX_BATCH_BYTES + SIGNED_OVERHEAD_BYTES;
/** The largest signed ack message taken off the wire. */
export const MAX_SIGNED_ACK_BYTES = MAX_ACK_BYTES + SIGNED_OVERHEAD_BYTES;
const Id = Type.String({ minLength: 1, maxLength: 128 });

const EventBatchSchema = Type.Object(
  {
    v: Type.Literal(SYNC_FORMAT_VERSION),
    device: Type.String({ minLength: 1, maxLength: 63 }),
    /** The last seq acknowledged to the appliance (0 before the first ack). */
    acked_through: Type.Integer({ minimum: 0 }),
    batch: Id,
    sent_at: Type.Integer({ minimum: 0 }),
    events: Type.Array(
      Type.Object(
        {
          seq: Type.Integer({ minimum: 1 }),
          event: EventJsonSchema,
        },
        { additionalProperties: false },
      ),
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
    /**
     * Set when the central server rejects the batch for what it holds (an event it refuses), not
     * for how it came: `ids` is then empty, and the appliance sends it again a few times before
     * dead-lettering its events. A batch refused for its signature or sequence gets no answer.
     */
    rejected: Type.Optional(
      Type.Object(
        {
          field: Type.String({ maxLength: 256 }),
          message: Type.String({ maxLength: 1024 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Ack = Static<typeof AckSchema>;

const batchCheck = TypeCompiler.Compile(EventBatchSchema);
const ackCheck = TypeCompiler.Compile(AckSchema);

/** A sync message that cannot be used; `field` names what is wrong. */
export class SyncMessageError extends Error {
  /** The batch id, when the message was signed and its id could be read: a rejection can name it. */
  batch: string | undefined;

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'SyncMessageError';
  }
}

/** The signed payload of `body` (JSON text, gzip'd when `gzip`) for `topic`. */
export function encodeSyncMessage(
  topic: string,
  message: EventBatch | Ack,
  key: Buffer,
  gzip: boolean,
): Buffer {
  return signSyncBody(topic, Buffer.from(JSON.stringify(message)), key, gzip);
}

/** Signs a body already serialised (the sync worker splices stored event JSON into it). */
export function signSyncBody(topic: string, json: Buffer, key: Buffer, gzip: boolean): Buffer {
  const body = gzip ? gzipSync(json, { level: 6 }) : json;
  return Buffer.concat([Buffer.from(`${hmacSha256(key, topic, body)}\n`), body]);
}

/** A batch from `topic`, checked: signature, size, JSON, schema, timestamps. Throws a SyncMessageError. */
export function decodeEventBatch(topic: string, payload: Buffer, key: Buffer): EventBatch {
  const body = openSyncMessage(topic, payload, key);
  let value: unknown;
  try {
    value = parse(body, MAX_BATCH_BYTES);
    const batch = validate(value, batchCheck) as EventBatch;
    checkSequence(batch);
    checkTimestamps(batch);
    return batch;
  } catch (err) {
    // Signed by the device: its batch id (if readable) lets the receiver answer with a rejection.
    const batch = (value as { batch?: unknown } | undefined)?.batch;
    if (
      err instanceof SyncMessageError &&
      typeof batch === 'string' &&
      batch.length > 0 &&
      batch.length <= 128
    )
      err.batch = batch;
    throw err;
  }
}

/** An ack from `topic`, checked: signature, size, JSON, schema. Throws a SyncMessageError. */
export function decodeAck(topic: string, payload: Buffer, key: Buffer): Ack {
  return validate(parse(openSyncMessage(topic, payload, key), MAX_ACK_BYTES), ackCheck) as Ack;
}

/** The body of a signed message, once its signature for `topic` checks out. */
function openSyncMessage(topic: string, payload: Buffer, key: Buffer): Buffer {
  if (payload.length <= SIGNATURE_LENGTH || payload[SIGNATURE_LENGTH] !== 0x0a) {
    throw new SyncMessageError('signature', 'the message is not signed (expected <signature>\\n<body>)');
  }
  const signature = payload.subarray(0, SIGNATURE_LENGTH).toString('latin1');
  const body = payload.subarray(SIGNATURE_LENGTH + 1);
  if (!equalsConstantTime(signature, hmacSha256(key, topic, body))) {
    throw new SyncMessageError('signature', 'does not match: not signed with this device key for this topic');
  }
  return body;
}

function parse(body: Buffer, maxBytes: number): unknown {
  try {
    const json =
      body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body, { maxOutputLength: maxBytes }) : body;
    if (json.length > maxBytes) throw new Error(`more than ${maxBytes} bytes`);
    return JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new SyncMessageError(
      'payload',
      `is not JSON (or gzip'd JSON) of at most ${maxBytes} bytes: ${(err as Error).message}`,
    );
  }
}

function validate(value: unknown, checker: typeof batchCheck | typeof ackCheck): unknown {
  if (checker.Check(value)) return value;
  const first = checker.Errors(value).First();
  const field = fieldPath(first?.path, 'payload');
  throw new SyncMessageError(field, first?.message ?? 'is not a valid sync message');
}

/**
 * Events are numbered without gaps (seq, seq + 1, …), starting no later than right after the last
 * acknowledged one: a batch moves the sequence forward by at most its own size.
 */
function checkSequence(batch: EventBatch): void {
  const first = batch.events[0]?.seq ?? 1;
  if (first > batch.acked_through + 1) {
    throw new SyncMessageError(
      'events.0.seq',
      `is ${first}, but ${batch.acked_through} is the last acknowledged: the batch skips ${batch.acked_through + 1}…${first - 1}`,
    );
  }
  batch.events.forEach(({ seq }, i) => {
    if (seq !== first + i)
      throw new SyncMessageError(
        `events.${i}.seq`,
        `is ${seq}, expected ${first + i}: seq has no gaps within a batch`,
      );
  });
}

function checkTimestamps(batch: EventBatch): void {
  batch.events.forEach(({ event }, i) => {
    if (Number.isNaN(Date.parse(event.timestamp)))
      throw new SyncMessageError(`events.${i}.event.timestamp`, 'is not an ISO 8601 date-time');
  });
}
