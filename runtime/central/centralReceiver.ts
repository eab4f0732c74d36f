import { hostname } from 'node:os';
import type { Logger } from '../../base/logger';
import type { Config } from '../config/schema/index';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import { MqttConnection } from '../mqtt/mqttConnection';
import {
  type Ack,
  decodeEventBatch,
  type EventBatch,
  encodeSyncMessage,
  MAX_SIGNED_BATCH_BYTES,
  SYNC_FORMAT_VERSION,
  SyncMessageError,
} from '../mqtt/sync/syncMessages';
import { deviceOfTopic, sharedEventsFilter, VigilTopics } from '../mqtt/vigilTopics';
import type { StoreService } from '../store/storeService';
import { CentralStore } from './centralStore';
import { DeviceKeys } from './deviceKeys';

export interface CentralReceiverDeps {
  config: Config;
  store: StoreService;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The receiving end of the appliances' sync: takes event batches from the shared subscription
 * (receivers of one group split the appliances between them), stores each event once by
 * (device, id), and acknowledges a batch only after its commit is on disk. A receiver killed
 * before that leaves the batch unacknowledged, and the appliance sends it again.
 */
export class CentralReceiver implements Service {
  readonly name = 'receiver';
  readonly #deps: CentralReceiverDeps;
  readonly #counters;
  readonly #keys: DeviceKeys;
  readonly #warnedAt = new Map<string, number>();
  #connection: MqttConnection | undefined;
  #central: CentralStore | undefined;

  constructor(deps: CentralReceiverDeps) {
    this.#deps = deps;
    const { metrics } = deps;
    this.#counters = {
      stored: metrics.counter({ name: 'vigil_central_events_stored_total', help: 'Events stored (new)' }),
      repeats: metrics.counter({
        name: 'vigil_central_events_repeated_total',
        help: 'Events received again and not stored twice',
      }),
      rejected: metrics.counter({
        name: 'vigil_central_batches_rejected_total',
        help: 'Batches not stored: retained, from a device not enrolled, badly signed, invalid, or out of sequence',
        labelNames: ['reason'],
      }),
    };
    this.#keys = new DeviceKeys(deps.config.data_dir);
  }

  async start(): Promise<void> {
    const { config, logger, store } = this.#deps;
    this.#central = new CentralStore(store.db);
    const prefix = config.mqtt.topic_prefix;
    const connection = new MqttConnection({
      config: config.mqtt,
      clientId: config.central.client_id ?? `vigil-central-${hostname()}-${process.pid}`,
      maxPacketBytes: MAX_SIGNED_BATCH_BYTES + 1024,
      logger,
    });
    const filter = sharedEventsFilter(prefix, config.central.share_group);
    connection.subscribe(filter, (topic, payload, packet) => this.#receive(topic, payload, packet.retain), {
      maxBytes: MAX_SIGNED_BATCH_BYTES,
    });
    this.#connection = connection;
    connection.start();
    logger.info(
      { url: connection.status().url, subscription: filter, enrolled_devices: this.#keys.size },
      'central receiver listening',
    );
    if (this.#keys.size === 0)
      logger.warn("no appliance is enrolled yet: run 'vigil central enroll --device ID --key KEY' for each");
  }

  async stop(): Promise<void> {
    await this.#connection?.stop();
    this.#connection = undefined;
  }

  health(): Record<string, unknown> {
    return { mqtt: this.#connection?.status() ?? null };
  }

  /**
   * One batch: from an enrolled device, signed with its key for this topic, valid, its sequence
   * following what was acknowledged — else refused unacknowledged, and nothing stored. Acks are
   * signed too.
   */
  async #receive(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    const { config, store } = this.#deps;
    const device = deviceOfTopic(config.mqtt.topic_prefix, topic);
    const refuse = (reason: RejectReason, detail: string) => this.#refuse(device ?? topic, reason, detail);
    if (retained)
      return refuse('retained', 'a retained batch is never taken (it would come back at every connect)');
    if (device === null) return refuse('invalid', `${topic} is not a device's events topic`);
    const key = this.#keys.get(device);
    if (!key)
      return refuse(
        'not_enrolled',
        `'${device}' is not enrolled: run 'vigil central enroll --device ${device} --key KEY'`,
      );
    let batch: EventBatch;
    try {
      batch = decodeEventBatch(topic, payload, key);
    } catch (err) {
      const field = err instanceof SyncMessageError ? err.field : 'payload';
      const reason = field === 'signature' ? 'signature' : field.endsWith('.seq') ? 'sequence' : 'invalid';
      refuse(reason, (err as Error).message);
      // Signed by the device, but holding an event it refuses: say so (the appliance dead-letters
      // the batch after a few tries). Sequence errors get no answer (they are about state, not
      // content), nor does a bad head (a format version this receiver does not speak): those
      // wait for a fix instead of losing events.
      const batchId = err instanceof SyncMessageError ? err.batch : undefined;
      if (reason === 'invalid' && batchId !== undefined && /^events\.\d+\.event/.test(field))
        await this.#answer(device, key, {
          v: SYNC_FORMAT_VERSION,
          batch: batchId,
          ids: [],
          rejected: { field: field.slice(0, 256), message: (err as Error).message.slice(0, 1024) },
        });
      return;
    }
    if (batch.device !== device)
      return refuse('invalid', `device: '${batch.device}' does not match the topic's device '${device}'`);
    const central = this.#central as CentralStore;
    const added = await store.writer.write(() => central.storeBatch(batch, Date.now()));
    this.#counters.stored.inc(added);
    this.#counters.repeats.inc(batch.events.length - added);
    await this.#answer(device, key, {
      v: SYNC_FORMAT_VERSION,
      batch: batch.batch,
      ids: batch.events.map((e) => e.event.id),
    });
  }

  /** Publishes a signed ack (or rejection) to the device's ack topic. */
  async #answer(device: string, key: Buffer, ack: Ack): Promise<void> {
    const ackTopic = new VigilTopics(this.#deps.config.mqtt.topic_prefix, device).ack;
    await this.#connection
      ?.publish(ackTopic, encodeSyncMessage(ackTopic, ack, key, false), { qos: 1 })
      .catch((err: unknown) =>
        this.#deps.logger.warn(
          { err, device },
          'ack not sent (the appliance sends the batch again and gets it then)',
        ),
      );
  }

  /** Counts a refused batch, and says why at most once a minute per device and reason. */
  #refuse(source: string, reason: RejectReason, detail: string): void {
    this.#counters.rejected.inc({ reason });
    const key = `${source} ${reason}`;
    const now = Date.now();
    if (now - (this.#warnedAt.get(key) ?? 0) < WARN_EVERY_MS) return;
    this.#warnedAt.set(key, now);
    if (this.#warnedAt.size > 10_000) this.#warnedAt.clear();
    this.#deps.logger.warn(
      { device: source, reason, detail },
      'refused a batch: not stored, not acknowledged',
    );
  }
}

/** Why a batch was refused, as the metric's label. */
type RejectReason = 'retained' | 'invalid' | 'not_enrolled' | 'signature' | 'sequence';

/** At most one warning per device and reason this often: a flood of forgeries must not flood the log. */
const WARN_EVERY_MS = 60_000;
