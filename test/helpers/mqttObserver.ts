import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** A plain mqtt.js client watching the broker, as Home Assistant would. Closed when the test file ends. */
export class MqttObserver {
  readonly messages: Seen[] = [];
  readonly #client: MqttClient;
  readonly #waiters = new Set<() => void>();

  private constructor(client: MqttClient) {
    this.#client = client;
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload, retain: packet.retain });
      for (const wake of this.#waiters) wake();
    });
  }

  /** `options` adds to the defaults: a login, MQTT 5 (`protocolVersion: 5`). */
  static async connect(url: string, options: IClientOptions = {}): Promise<MqttObserver> {
    const client = await connectAsync(url, {
      clientId: `observer-${randomUUID()}`,
      reconnectPeriod: 0,
      ...options,
    });
    after(() => client.endAsync(true));
    return new MqttObserver(client);
  }

  /** Resolves with the QoS the broker granted (128: refused). */
  async subscribe(filter: string): Promise<number> {
    const [grant] = await this.#client.subscribeAsync(filter, { qos: 1 });
    return grant?.qos ?? 128;
  }

  publish(topic: string, payload: string | Buffer, retain = false): Promise<unknown> {
    return this.#client.publishAsync(topic, payload, { qos: 1, retain });
  }

  /** Resolves with the first message (already seen or still to come) that `match` accepts. */
  async next(match: (m: Seen) => boolean, timeoutMs = 15_000, from = 0): Promise<Seen> {
    return this.#until(() => this.messages.slice(from).find(match), timeoutMs, 'a matching message');
  }

  /** Resolves once `count` messages (from index `from`) satisfy `match`. */
  async count(match: (m: Seen) => boolean, count: number, timeoutMs = 15_000, from = 0): Promise<Seen[]> {
    return this.#until(
      () => {
        const found = this.messages.slice(from).filter(match);
        return found.length >= count ? found : undefined;
      },
      timeoutMs,
      `${count} matching messages`,
    );
  }

  end(): Promise<void> {
    return this.#client.endAsync(true);
  }

  #until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        const result = check();
        if (result === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(result);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(
          new Error(
            `no ${what} within ${timeoutMs} ms; seen: ${this.messages.map((m) => m.topic).join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(wake);
      wake();
    });
  }
}

/**
 * Every retained message the broker holds under `filter` (ending in `/#`), deterministically:
 * a fresh client subscribes, then publishes a marker under the same filter. The broker queues
 * a subscription's retained messages before anything published after it, so once the marker
 * arrives, every retained message has.
 */
export async function retainedUnder(url: string, filter: string): Promise<Map<string, Buffer>> {
  const observer = await MqttObserver.connect(url);
  await observer.subscribe(filter);
  const marker = `${filter.replace(/\/#$/, '')}/zz-marker-${randomUUID()}`;
  await observer.publish(marker, 'x');
  await observer.next((m) => m.topic === marker);
  await observer.end();
  const held = new Map<string, Buffer>();
  for (const m of observer.messages) if (m.retain && m.payload.length > 0) held.set(m.topic, m.payload);
  return held;
}
