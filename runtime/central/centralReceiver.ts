import { hostname } from 'node:os';
import type { Logger } from '../../base/logger';
import type { Config } from '../config/schema/index';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import { MqttConnection } from '../mqtt/mqttConnection';
import { decodeEventBatch, encodeSyncMessage, SYNC_FORMAT_VERSION } from '../mqtt/sync/syncMessages';
import { deviceOfTopic, sharedEventsFilter, VigilTopics } from '../mqtt/vigilTopics';
import type { StoreService } from '../store/storeService';
import { CentralStore } from './centralStore';

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
        help: 'Batches that were not valid sync messages',
      }),
    };
  }

  async start(): Promise<void> {
    const { config, logger, store } = this.#deps;
    this.#central = new CentralStore(store.db);
    const prefix = config.mqtt.topic_prefix;
    const connection = new MqttConnection({
      config: config.mqtt,
      clientId: config.central.client_id ?? `vigil-central-${hostname()}-${process.pid}`,
      logger,
    });
    const filter = sharedEventsFilter(prefix, config.central.share_group);
    connection.subscribe(filter, (topic, payload) => this.#receive(topic, payload), 1);
    this.#connection = connection;
    connection.start();
    logger.info({ url: connection.status().url, subscription: filter }, 'central receiver listening');
  }

  async stop(): Promise<void> {
    await this.#connection?.stop();
    this.#connection = undefined;
  }

  health(): Record<string, unknown> {
    return { mqtt: this.#connection?.status() ?? null };
  }

  async #receive(topic: string, payload: Buffer): Promise<void> {
    const { config, logger, store } = this.#deps;
    const prefix = config.mqtt.topic_prefix;
    const device = deviceOfTopic(prefix, topic);
    let batch: ReturnType<typeof decodeEventBatch>;
    try {
      batch = decodeEventBatch(payload);
      if (batch.device !== device)
        throw new Error(`device: '${batch.device}' does not match the topic's device '${device}'`);
    } catch (err) {
      this.#counters.rejected.inc();
      logger.warn(
        { topic, err: (err as Error).message },
        'rejected a batch that is not a valid sync message',
      );
      return;
    }
    const central = this.#central as CentralStore;
    const added = await store.writer.write(() => central.storeBatch(batch, Date.now()));
    this.#counters.stored.inc(added);
    this.#counters.repeats.inc(batch.events.length - added);
    const ack = {
      v: SYNC_FORMAT_VERSION,
      batch: batch.batch,
      ids: batch.events.map((e) => e.event.id),
    } as const;
    const ackTopic = new VigilTopics(prefix, batch.device).ack;
    await this.#connection
      ?.publish(ackTopic, encodeSyncMessage(ack, false), { qos: 1 })
      .catch((err: unknown) =>
        logger.warn({ err, device }, 'ack not sent (the appliance sends the batch again and gets it then)'),
      );
  }
}
