import type { IPublishPacket } from 'mqtt';
import { RequestError } from '../../../base/requestError';
import { CommandError } from '../../alarm/commandError';
import { type BatchAnswer, batchAnswer, batchItemsOfText } from '../../events/batchInput';
import { CommandSignatures, type SignedCommand } from '../commands/commandAuth';
import type { MqttContext, MqttFeature } from '../mqttContext';

/** What the ingest topic uses of the MQTT context. */
export type IngestContext = Pick<MqttContext, 'config' | 'connection' | 'topics' | 'events' | 'logger'>;

/** The reply on `<prefix>/<id>/events/ingest/reply`: per-item results, or why the whole batch was refused. */
export type IngestReply =
  | ({ nonce: string; ok: true } & BatchAnswer)
  | { nonce: string | null; ok: false; error: string; field: string | null };

/**
 * Events from outside producers over MQTT, on `<prefix>/<id>/events/ingest` (only when
 * `mqtt.ingest.secret` is set). A message is a signed batch as signed commands are
 * (commandAuth.ts: `{"ts", "nonce", "payload", "sig"}`, HMAC-SHA256 over the topic, time, nonce
 * and payload, within the replay window, each nonce once), its payload a JSON array of events
 * or NDJSON. Its size is bounded before anything is decoded (`mqtt.ingest.max_bytes`, dropped
 * unread beyond), the signature checked before the payload is parsed. Answered on
 * `<prefix>/<id>/events/ingest/reply` (and on an MQTT 5 response topic under `<prefix>/<id>/`,
 * with its correlation data) once every accepted item is durable, per item as the HTTP batch
 * route answers; a refused batch stores nothing.
 */
export class IngestFeature implements MqttFeature {
  readonly #context: IngestContext;
  readonly #signatures: CommandSignatures;
  readonly #counters = { batches: 0, refused: 0, created: 0, duplicates: 0, errors: 0 };

  constructor(context: IngestContext, secret: string) {
    this.#context = context;
    this.#signatures = new CommandSignatures(secret, context.config.mqtt.ingest.replay_window_seconds);
  }

  start(): void {
    const { connection, topics, config } = this.#context;
    connection.subscribe(topics.ingest, (topic, payload, packet) => this.#handle(topic, payload, packet), {
      maxBytes: config.mqtt.ingest.max_bytes,
    });
  }

  health(): Record<string, unknown> {
    return { ingest: { ...this.#counters } };
  }

  async #handle(topic: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    let nonce: string | null = null;
    let reply: IngestReply;
    try {
      if (packet.retain)
        throw new CommandError(
          'invalid',
          'retained batches are ignored; publish without the retain flag',
          'retain',
        );
      const signed = signedOf(payload);
      nonce = signed.nonce;
      const text = this.#signatures.open(topic, signed);
      const items = batchItemsOfText(Buffer.from(text));
      const answer = batchAnswer(await this.#context.events.ingestBatch(items, { actor: 'mqtt' }));
      this.#counters.batches += 1;
      this.#counters.created += answer.created;
      this.#counters.duplicates += answer.duplicates;
      this.#counters.errors += answer.errors;
      reply = { nonce, ok: true, ...answer };
    } catch (err) {
      if (!(err instanceof RequestError))
        this.#context.logger.error({ err, topic }, 'MQTT event batch failed');
      const error =
        err instanceof RequestError
          ? err.message
          : `could not be stored (${(err as Error).message}); send it again later`;
      const field = err instanceof RequestError ? err.field : null;
      this.#counters.refused += 1;
      this.#context.logger.warn({ topic, error, field }, 'MQTT event batch refused; nothing stored');
      reply = { nonce, ok: false, error, field };
    }
    await this.#reply(reply, packet);
  }

  /** On the reply topic, and on the request's MQTT 5 response topic when that is under this device's topics. */
  async #reply(reply: IngestReply, packet: IPublishPacket): Promise<void> {
    const { connection, topics, logger } = this.#context;
    const json = JSON.stringify(reply);
    const sends = [connection.publish(topics.ingestReply, json, { qos: 1 })];
    const responseTopic = packet.properties?.responseTopic;
    if (responseTopic?.startsWith(`${topics.base}/`) && !/[#+]/.test(responseTopic)) {
      const correlationData = packet.properties?.correlationData;
      sends.push(
        connection.publish(responseTopic, json, {
          qos: 1,
          properties: correlationData ? { correlationData } : {},
        }),
      );
    } else if (responseTopic) {
      logger.warn(
        { responseTopic },
        "MQTT event batch asked for a reply outside this device's topics; not sent there",
      );
    }
    for (const result of await Promise.allSettled(sends))
      if (result.status === 'rejected')
        logger.warn({ err: result.reason }, 'could not reply to an MQTT event batch');
  }
}

/** The signed envelope, its fields checked before the signature is (the payload is not parsed yet). */
function signedOf(payload: Buffer): SignedCommand {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new CommandError('invalid', `payload: is not valid JSON (${(err as Error).message})`, 'payload');
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const wrong = (field: string, what: string) =>
    new CommandError('unauthorized', `${field}: ${what}; sign batches as signed commands are signed`, field);
  if (typeof v.sig !== 'string' || v.sig.length !== 43)
    throw wrong('sig', 'must be the 43-character base64url HMAC');
  if (typeof v.ts !== 'number' || !Number.isInteger(v.ts)) throw wrong('ts', 'must be epoch milliseconds');
  if (typeof v.nonce !== 'string' || v.nonce.length < 8 || v.nonce.length > 64)
    throw wrong('nonce', 'must be 8 to 64 characters');
  if (typeof v.payload !== 'string')
    throw wrong('payload', 'must be the batch as text (a JSON array or NDJSON)');
  return { ts: v.ts, nonce: v.nonce, payload: v.payload, sig: v.sig };
}
