import { hostname } from 'node:os';
import type { Config } from '../../config/schema/index';
import type { MqttContext, MqttFeature } from '../mqttContext';
import { applianceEntities } from './applianceEntities';
import { cameraEntities } from './cameraEntities';
import { type DiscoveryMessage, discoveryMessages } from './discoveryMessages';
import { DiscoveryRecord } from './discoveryRecord';
import { LiveStatePublisher } from './liveStatePublisher';
import { sirenOutput } from './sirenOutput';

/** The shortest time between two announcements asked for by `homeassistant/status`. */
const REANNOUNCE_MIN_MS = 5000;

export interface HomeAssistantOptions {
  /** Host name in the status page URL (`configuration_url`); default: http.host when it names one address, else os.hostname(). */
  hostname?: string;
}

/**
 * Home Assistant MQTT discovery (stock HA, no custom integration) and the state topics its
 * entities read. Discovery follows zigbee2mqtt's rules: retained QoS 1 configs with device,
 * origin and availability on every entity; stale configs deleted with an empty retained payload
 * (remembered in `mqtt_discovery`, so this works across restarts); everything published again
 * after each connect and when `<discovery_prefix>/status` says `online` (HA restarted).
 *
 * With `mqtt.homeassistant: false` it announces nothing and deletes what it announced before;
 * the state topics are Vigil's own contract and are published either way.
 */
export class HomeAssistantFeature implements MqttFeature {
  readonly #context: MqttContext;
  readonly #record: DiscoveryRecord;
  readonly #states: LiveStatePublisher;
  readonly #messages: DiscoveryMessage[];
  /** Announcements run one at a time; a second request while one waits is the same work. */
  #queue: Promise<void> = Promise.resolve();
  #queued = false;
  #stopped = false;
  #announcedAt: number | null = null;
  #reannounce: NodeJS.Timeout | undefined;
  #removed = 0;
  #lastError: string | null = null;

  constructor(context: MqttContext, options: HomeAssistantOptions = {}) {
    this.#context = context;
    this.#record = new DiscoveryRecord(context.store.db, context.store.writer);
    const siren = sirenOutput(context.config);
    this.#states = new LiveStatePublisher(context, siren);
    this.#messages = context.config.mqtt.homeassistant ? this.#discovery(siren, options) : [];
  }

  /** The discovery configs this appliance announces now (for tests and the status page). */
  get messages(): readonly DiscoveryMessage[] {
    return this.#messages;
  }

  start(): void {
    this.#stopped = false;
    const { config, connection } = this.#context;
    if (config.mqtt.homeassistant) {
      connection.subscribe(
        `${config.mqtt.discovery_prefix}/status`,
        (_topic, payload) => {
          if (payload.toString().trim() === 'online') this.#announceAfterHomeAssistant();
        },
        { maxBytes: 64 },
      );
    }
    this.#states.start();
  }

  onConnect(): void {
    this.#announce('connected');
  }

  /** Does not wait for an announcement in progress: its publishes end with the connection, which stops next. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#reannounce);
    this.#reannounce = undefined;
    this.#states.stop();
  }

  health(): Record<string, unknown> {
    return {
      homeassistant: {
        discovery: this.#context.config.mqtt.homeassistant,
        entities: this.#messages.length,
        announced_at: this.#announcedAt,
        removed_entities: this.#removed,
        last_error: this.#lastError,
      },
    };
  }

  /**
   * Home Assistant came online: announce, at most once per REANNOUNCE_MIN_MS. Anyone on the broker
   * can say 'online', and each announcement republishes everything; a flood becomes one
   * announcement at the end of the window instead of a storm.
   */
  #announceAfterHomeAssistant(): void {
    if (this.#reannounce !== undefined) return;
    const wait = this.#announcedAt === null ? 0 : this.#announcedAt + REANNOUNCE_MIN_MS - Date.now();
    this.#reannounce = setTimeout(
      () => {
        this.#reannounce = undefined;
        this.#announce('Home Assistant came online');
      },
      Math.max(0, wait),
    );
  }

  #announce(reason: string): void {
    if (this.#queued || this.#stopped) return;
    this.#queued = true;
    this.#queue = this.#queue.then(async () => {
      this.#queued = false;
      if (this.#stopped || !this.#context.connection.connected) return;
      try {
        await this.#publishDiscovery();
        await this.#states.publishAll();
        this.#announcedAt = Date.now();
        this.#lastError = null;
        this.#context.logger.debug(
          { reason, entities: this.#messages.length },
          'Home Assistant state published',
        );
      } catch (err) {
        // Usually the broker went away mid-way; the next connect announces everything again.
        this.#lastError = (err as Error).message;
        this.#context.logger.warn({ err, reason }, 'publishing Home Assistant discovery and state failed');
      }
    });
  }

  async #publishDiscovery(): Promise<void> {
    const { connection } = this.#context;
    const current = new Set(this.#messages.map((m) => m.topic));
    await this.#record.remember([...current]);
    for (const topic of this.#record.topics()) {
      if (current.has(topic)) continue;
      // An empty retained config deletes the entity in HA and clears the broker's copy.
      await connection.publish(topic, '', { qos: 1, retain: true });
      await this.#record.forget(topic);
      this.#removed += 1;
      this.#context.logger.info({ topic }, 'removed a Home Assistant entity that no longer exists');
    }
    await Promise.all(
      this.#messages.map((m) =>
        connection.publish(m.topic, JSON.stringify(m.payload), { qos: 1, retain: true }),
      ),
    );
  }

  #discovery(siren: string | null, options: HomeAssistantOptions): DiscoveryMessage[] {
    const { config, topics, board, version } = this.#context;
    const entities = [
      ...Object.entries(config.cameras)
        .filter(([, camera]) => camera.enabled)
        .flatMap(([name, camera]) => cameraEntities(name, camera, topics, config.mqtt.commands.unsigned)),
      ...applianceEntities(topics, { modes: config.alarm.modes, siren }),
    ];
    return discoveryMessages(entities, {
      deviceId: config.device.id,
      deviceName: config.device.name,
      model: board.model,
      version,
      configurationUrl: statusPageUrl(config, options.hostname),
      discoveryPrefix: config.mqtt.discovery_prefix,
      availabilityTopic: topics.available,
      qos: config.mqtt.qos,
    });
  }
}

/** The status page as HA links to it; null when the web server is off. */
function statusPageUrl(config: Config, host: string | undefined): string | null {
  if (!config.http.enabled) return null;
  const listen = config.http.host;
  // A wildcard or loopback listen address is useless to HA on another machine; the host name is not.
  const named = !['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(listen);
  const name = host ?? (named ? listen : hostname());
  return `http://${name.includes(':') ? `[${name}]` : name}:${config.http.port}/`;
}
