import type { Logger } from '../../base/logger';
import type { BoardDetails } from '../../hal/board/accelerators';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import type { StoreService } from '../store/storeService';
import { createMqttFeatures } from './features';
import { type ConnectionStatus, MqttConnection } from './mqttConnection';
import type {
  MqttAlarmPort,
  MqttContext,
  MqttEventsPort,
  MqttFeature,
  MqttPipelinePort,
  MqttTopics,
} from './mqttContext';
import { registerMqttMetrics, type SyncMetrics } from './mqttMetrics';
import { ensureDeviceKey } from './security/deviceKey';
import type { SyncStatus } from './sync/syncStatus';
import { SyncWorker } from './sync/syncWorker';
import { VigilTopics } from './vigilTopics';

export interface MqttServiceDeps {
  config: Config;
  store: StoreService;
  bus: Bus<MqttTopics>;
  pipeline: MqttPipelinePort;
  alarm: MqttAlarmPort;
  events: MqttEventsPort;
  board: BoardDetails;
  version: string;
  logger: Logger;
  metrics: Metrics;
}

/** The MQTT service's health detail: the broker connection and the sync's progress. */
export type MqttHealth =
  | { enabled: false }
  | ({ enabled: true; sync: SyncStatus | undefined } & ConnectionStatus & Record<string, unknown>);

/** The largest MQTT packet the appliance takes: an ack of a full batch, with room to spare. */
const APPLIANCE_MAX_PACKET_BYTES = 2 * 1024 * 1024;

/**
 * The MQTT link (when `mqtt.enabled`): one connection to the broker carrying the outbox sync to
 * the central server, Home Assistant discovery and state, Frigate's topics, and commands.
 * The appliance runs the same with the broker away; the outbox keeps every event until the
 * central server has acknowledged it.
 */
export class MqttService implements Service {
  readonly name = 'mqtt';
  readonly #deps: MqttServiceDeps;
  #connection: MqttConnection | undefined;
  #sync: SyncWorker | undefined;
  #features: MqttFeature[] = [];
  readonly #syncMetrics: SyncMetrics;

  constructor(deps: MqttServiceDeps) {
    this.#deps = deps;
    this.#syncMetrics = registerMqttMetrics(deps.metrics, {
      connection: () => this.#connection?.status() ?? null,
      sync: () => this.#sync?.status() ?? null,
    });
  }

  async start(): Promise<void> {
    const { config, logger, store } = this.#deps;
    if (!config.mqtt.enabled) {
      logger.info('MQTT is off (mqtt.enabled: false); events are kept locally only');
      return;
    }
    const topics = new VigilTopics(config.mqtt.topic_prefix, config.device.id);
    const connection = new MqttConnection({
      config: config.mqtt,
      clientId: config.mqtt.client_id ?? `vigil-${config.device.id}`,
      // What the appliance receives: acks (the largest), commands, Home Assistant's status.
      maxPacketBytes: APPLIANCE_MAX_PACKET_BYTES,
      availabilityTopic: topics.available,
      logger,
      onConnect: () => this.#connected(),
      onDisconnect: () => this.#sync?.disconnected(),
    });
    const deviceKey = ensureDeviceKey(config.data_dir, true);
    if (deviceKey.created) {
      logger.warn(
        { file: deviceKey.file },
        "made this appliance's device key for signed sync: enrol it on the central server (vigil device-key shows how)",
      );
    }
    const sync = new SyncWorker({
      config: config.mqtt,
      deviceId: config.device.id,
      key: deviceKey.key,
      connection,
      topics,
      db: store.db,
      writer: store.writer,
      bus: this.#deps.bus,
      logger,
      metrics: this.#syncMetrics,
    });
    const context: MqttContext = {
      ...this.#deps,
      connection,
      topics,
      sync: () => sync.status(),
      owner: this,
    };
    this.#connection = connection;
    this.#sync = sync;
    this.#features = createMqttFeatures(context);
    sync.start();
    for (const feature of this.#features) await feature.start();
    connection.start();
  }

  async stop(): Promise<void> {
    this.#deps.bus.removeOwner(this);
    for (const feature of [...this.#features].reverse()) await feature.stop?.();
    await this.#sync?.stop();
    await this.#connection?.stop();
    this.#features = [];
    this.#sync = undefined;
    this.#connection = undefined;
  }

  health(): MqttHealth {
    if (!this.#connection) return { enabled: false };
    const features = Object.assign({}, ...this.#features.map((f) => f.health?.() ?? {}));
    return { enabled: true, ...this.#connection.status(), sync: this.#sync?.status(), ...features };
  }

  #connected(): void {
    this.#sync?.connected();
    for (const feature of this.#features) {
      try {
        feature.onConnect?.();
      } catch (err) {
        this.#deps.logger.error({ err }, 'republishing MQTT state after connect failed');
      }
    }
  }
}
