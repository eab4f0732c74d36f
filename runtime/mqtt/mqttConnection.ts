import { readFileSync } from 'node:fs';
import {
  connect,
  type IClientOptions,
  type IClientPublishOptions,
  type IPublishPacket,
  type MqttClient,
} from 'mqtt';
import type { Logger } from '../../base/logger';
import { redactUrl } from '../../base/redact';
import type { MqttConfig } from '../config/schema/index';
import { nextReconnectDelay } from './backoff';
import { topicMatches } from './topicMatch';

/**
 * Handles a message on a subscribed topic; errors are logged, never crash the connection.
 * `packet` has the retain flag and, with MQTT 5, the properties (response topic, correlation data).
 */
export type MessageHandler = (topic: string, payload: Buffer, packet: IPublishPacket) => void | Promise<void>;

export interface MqttConnectionOptions {
  /** Broker, login, TLS, protocol, keep-alive and reconnect settings (`mqtt` in the config). */
  config: Pick<
    MqttConfig,
    'url' | 'username' | 'password' | 'tls' | 'protocol_version' | 'keepalive_seconds' | 'reconnect'
  >;
  clientId: string;
  /**
   * The largest packet taken: told to the broker at connect (MQTT 5's Maximum Packet Size, so a
   * broker does not even send a larger one), and checked again on every message.
   */
  maxPacketBytes: number;
  /** Retained `online` after each connect, `offline` as the last will and on a clean stop. */
  availabilityTopic?: string;
  logger: Logger;
  /** Called after every (re)connect, once subscriptions are in place: republish state, resume sync. */
  onConnect?: () => void;
  onDisconnect?: () => void;
}

/** Connection state for health, metrics and the status page. */
export interface ConnectionStatus {
  connected: boolean;
  url: string;
  protocol: '5' | '3.1.1';
  /** Epoch ms of the last connect or disconnect. */
  since: number | null;
  reconnects: number;
  last_error: string | null;
}

interface Subscription {
  filter: string;
  qos: 0 | 1 | 2;
  handler: MessageHandler;
  /** Larger payloads on this filter are dropped unread (counted, and logged at most once a minute). */
  maxBytes: number;
}

/** At most one warning a minute about oversized messages: a flood must not flood the log. */
const OVERSIZE_WARNING_MS = 60_000;
/** Each step of a stop (the `offline` PUBACK, then the end) gets this long: a stop takes < 1 s. */
const STOP_STEP_MS = 400;

/** Rejects when `promise` has not settled within `ms`. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Fails every publish still waiting for its PUBACK and forgets it. mqtt.js fails only QoS 0
 * publishes when the socket closes: a QoS 1 publish's callback then waits until mqtt.js sends
 * the packet again after a reconnect, and the session is a clean one (`clean: true`), so the
 * old packet id means nothing to the broker and may be reused meanwhile. Whoever published
 * keeps what must survive (the outbox) and sends it again; nothing waits on a dead link.
 */
function discardInFlight(client: MqttClient): void {
  for (const [id, entry] of Object.entries(client.outgoing)) {
    if (entry.volatile) continue;
    delete client.outgoing[Number(id)];
    client.outgoingStore.del({ messageId: Number(id) }, () => {
      // An id the store does not hold (a PUBREL in flight, say) is nothing to forget.
    });
    entry.cb?.(new Error('the link to the MQTT broker dropped before the broker acknowledged'));
  }
}

/**
 * One MQTT client: MQTT 5 with a fallback to 3.1.1 when the broker refuses 5, TLS from files,
 * a retained availability topic with a last will, and reconnects with capped exponential
 * backoff and jitter (mqtt.js retries at a fixed period, which hammers a broker coming back
 * under hundreds of appliances). Subscriptions are made again after every reconnect.
 */
export class MqttConnection {
  readonly #options: MqttConnectionOptions;
  readonly #subscriptions: Subscription[] = [];
  #client: MqttClient | undefined;
  #protocol: 5 | 4;
  #attempt = 0;
  #dropped = 0;
  #lastOversizeWarningAt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #status: ConnectionStatus;

  constructor(options: MqttConnectionOptions) {
    this.#options = options;
    this.#protocol = options.config.protocol_version === '3.1.1' ? 4 : 5;
    this.#status = {
      connected: false,
      url: redactUrl(options.config.url),
      protocol: this.#protocol === 5 ? '5' : '3.1.1',
      since: null,
      reconnects: 0,
      last_error: null,
    };
  }

  get connected(): boolean {
    return this.#client?.connected === true;
  }

  status(): ConnectionStatus {
    return { ...this.#status, connected: this.connected };
  }

  /** Adds a subscription (also made on every later reconnect). Call before `start`, or any time after. */
  subscribe(filter: string, handler: MessageHandler, options: { qos?: 0 | 1 | 2; maxBytes: number }): void {
    const qos = options.qos ?? 1;
    this.#subscriptions.push({ filter, qos, handler, maxBytes: options.maxBytes });
    if (this.connected) this.#client?.subscribe(filter, { qos });
  }

  /**
   * Starts connecting and returns at once: the appliance runs while the broker is away.
   * Throws when a TLS file named in the config cannot be read.
   */
  start(): void {
    this.#stopping = false;
    const client = connect(this.#options.config.url, this.#clientOptions());
    this.#client = client;
    client.on('connect', () => this.#connected());
    client.on('close', () => this.#closed());
    client.on('error', (err) => this.#failed(err));
    client.on('message', (topic, payload, packet) => this.#dispatch(topic, payload, packet));
  }

  /**
   * Publishes `offline` (retained), then disconnects cleanly — within about a second: with the
   * broker unreachable (packets dropped, the link half-open) neither the PUBACK nor the graceful
   * end ever comes, so each step has a short deadline and the socket is then destroyed.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    if (!client) return;
    const { availabilityTopic } = this.#options;
    // Not connected: nothing to say goodbye to, and a graceful end would wait for a CONNACK.
    let linkAnswers = client.connected;
    if (linkAnswers && availabilityTopic) {
      const offline = this.publish(availabilityTopic, 'offline', { qos: 1, retain: true });
      // No PUBACK in time: the link is dead (half-open) and a graceful end would wait for it too.
      // Going away anyway; the last will says offline when this did not make it.
      linkAnswers = await withinMs(offline, STOP_STEP_MS).then(
        () => true,
        () => false,
      );
    }
    const ended = await withinMs(
      new Promise<void>((resolve) => client.end(!linkAnswers, {}, () => resolve())),
      STOP_STEP_MS,
    ).then(
      () => true,
      () => false,
    );
    if (!ended) {
      client.stream?.destroy();
      discardInFlight(client);
    }
    this.#client = undefined;
  }

  /**
   * Publishes; resolves when the broker has it (PUBACK for QoS 1). Rejects when not connected:
   * callers decide what to keep (the outbox keeps everything; live state is republished on connect).
   */
  publish(topic: string, payload: string | Buffer, options: IClientPublishOptions = {}): Promise<void> {
    const client = this.#client;
    if (!client?.connected) return Promise.reject(new Error('not connected to the MQTT broker'));
    return new Promise((resolve, reject) => {
      client.publish(topic, payload, options, (err) => (err ? reject(err) : resolve()));
    });
  }

  #clientOptions(): IClientOptions {
    const { config, clientId, availabilityTopic } = this.#options;
    return {
      clientId,
      protocolVersion: this.#protocol,
      username: config.username,
      password: config.password,
      keepalive: config.keepalive_seconds,
      clean: true,
      connectTimeout: 10_000,
      // Reconnects are ours (capped exponential backoff with jitter), subscriptions too.
      reconnectPeriod: 0,
      resubscribe: false,
      // Nothing piles up in memory while offline: the outbox is the queue.
      queueQoSZero: false,
      ...(this.#protocol === 5 ? { properties: { maximumPacketSize: this.#options.maxPacketBytes } } : {}),
      ...tlsOptions(config.tls),
      ...(availabilityTopic
        ? { will: { topic: availabilityTopic, payload: Buffer.from('offline'), qos: 1, retain: true } }
        : {}),
    };
  }

  #connected(): void {
    const { logger, availabilityTopic } = this.#options;
    this.#attempt = 0;
    this.#status = {
      ...this.#status,
      connected: true,
      since: Date.now(),
      protocol: this.#protocol === 5 ? '5' : '3.1.1',
      last_error: null,
    };
    logger.info({ url: this.#status.url, protocol: this.#status.protocol }, 'connected to the MQTT broker');
    const client = this.#client as MqttClient;
    // Nagle's algorithm against the peer's delayed ACK costs ~40 ms per small exchange: a sync
    // batch and its ack are two of them. (TCP and TLS sockets have it; WebSocket streams do not.)
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    this.#subscribeAll(client);
    if (availabilityTopic) {
      this.publish(availabilityTopic, 'online', { qos: 1, retain: true }).catch((err: unknown) =>
        logger.warn({ err }, 'could not publish availability'),
      );
    }
    this.#options.onConnect?.();
  }

  /** Subscribes every filter again (a new session); says when the broker granted them, or which it refused. */
  #subscribeAll(client: MqttClient): void {
    const { logger } = this.#options;
    if (this.#subscriptions.length === 0) return;
    const filters = Object.fromEntries(this.#subscriptions.map(({ filter, qos }) => [filter, { qos }]));
    // Shared subscriptions are MQTT 5's: a 3.1.1-only broker (aedes) grants one and never delivers.
    const shared = this.#subscriptions.filter(({ filter }) => filter.startsWith('$share/'));
    if (this.#protocol === 4 && shared.length > 0)
      logger.warn(
        { shared: shared.map(({ filter }) => filter) },
        'shared subscription over MQTT 3.1.1: nothing arrives unless the broker supports $share for 3.1.1 clients (Mosquitto does; a 3.1.1-only broker such as aedes does not): use an MQTT 5 broker',
      );
    client.subscribe(filters, (err, granted) => {
      if (err)
        return logger.warn({ err }, 'could not subscribe to the MQTT topics; retrying at the next connect');
      // A SUBACK code of 0x80 or more is a refusal (the broker's ACL, a bad filter).
      const refused = (granted ?? []).filter((g) => g.qos >= 0x80).map((g) => g.topic);
      if (refused.length > 0)
        logger.warn({ refused }, 'the MQTT broker refused subscriptions: check its ACL');
      logger.info({ topics: (granted ?? []).length - refused.length }, 'subscribed to the MQTT topics');
    });
  }

  #closed(): void {
    if (this.#client) discardInFlight(this.#client);
    const wasConnected = this.#status.connected;
    this.#status = {
      ...this.#status,
      connected: false,
      since: wasConnected ? Date.now() : this.#status.since,
    };
    if (wasConnected && !this.#stopping) {
      this.#options.logger.warn(
        { url: this.#status.url },
        'lost the MQTT broker; reconnecting (events wait in the outbox)',
      );
      this.#options.onDisconnect?.();
    }
    if (this.#stopping || this.#reconnectTimer) return;
    const { min_seconds, max_seconds } = this.#options.config.reconnect;
    const delay = nextReconnectDelay(this.#attempt, min_seconds * 1000, max_seconds * 1000);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#stopping || !this.#client) return;
      this.#status.reconnects += 1;
      this.#client.reconnect();
    }, delay);
    this.#reconnectTimer.unref();
  }

  #failed(err: Error & { code?: number }): void {
    const message = err.message;
    if (message !== this.#status.last_error)
      this.#options.logger.warn({ err: message, url: this.#status.url }, 'MQTT connection error');
    this.#status.last_error = message;
    // 1 (3.1.1) and 132 (5): the broker does not speak this protocol version.
    const refusedVersion = err.code === 1 || err.code === 132;
    if (refusedVersion && this.#protocol === 5 && this.#options.config.protocol_version === 'auto') {
      this.#options.logger.warn(
        { url: this.#status.url },
        'the broker refused MQTT 5; falling back to 3.1.1',
      );
      this.#protocol = 4;
      if (this.#client) this.#client.options.protocolVersion = 4;
      this.#attempt = 0;
    }
  }

  #dispatch(topic: string, payload: Buffer, packet: IPublishPacket): void {
    for (const { filter, handler, maxBytes } of this.#subscriptions) {
      if (!topicMatches(filter, topic)) continue;
      if (payload.length > maxBytes) {
        this.#oversized(topic, payload.length, maxBytes);
        continue;
      }
      try {
        const result = handler(topic, payload, packet);
        if (result instanceof Promise) result.catch((err: unknown) => this.#handlerFailed(topic, err));
      } catch (err) {
        this.#handlerFailed(topic, err);
      }
    }
  }

  #oversized(topic: string, bytes: number, maxBytes: number): void {
    this.#dropped += 1;
    const now = Date.now();
    if (now - this.#lastOversizeWarningAt < OVERSIZE_WARNING_MS) return;
    this.#lastOversizeWarningAt = now;
    this.#options.logger.warn(
      { topic, bytes, max_bytes: maxBytes, dropped: this.#dropped },
      'dropped an MQTT message larger than its topic takes (unread)',
    );
  }

  #handlerFailed(topic: string, err: unknown): void {
    this.#options.logger.error({ err, topic }, 'handling an MQTT message failed');
  }
}

function tlsOptions(tls: MqttConfig['tls']): Partial<IClientOptions> {
  const read = (field: 'ca' | 'cert' | 'key') => {
    const file = tls[field];
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(
        `mqtt.tls.${field}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix the path or the file's permissions`,
      );
    }
  };
  return {
    ca: read('ca'),
    cert: read('cert'),
    key: read('key'),
    rejectUnauthorized: tls.reject_unauthorized,
  };
}
