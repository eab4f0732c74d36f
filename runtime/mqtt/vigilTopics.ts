/**
 * Vigil's own topics for one appliance, under `<prefix>/<device id>/`. The names are a
 * contract (design.md): the central receiver, Home Assistant and user automations use them.
 */
export class VigilTopics {
  readonly base: string;

  constructor(prefix: string, deviceId: string) {
    this.base = `${prefix}/${deviceId}`;
  }

  /** `online` / `offline`, retained; `offline` is also the last will. */
  get available(): string {
    return `${this.base}/available`;
  }

  /** Batches of processed events for the central server. */
  get events(): string {
    return `${this.base}/events`;
  }

  /** The central server's acknowledgements of stored events. */
  get ack(): string {
    return `${this.base}/ack`;
  }

  /** Signed event batches from outside producers (mqtt.ingest). */
  get ingest(): string {
    return `${this.base}/events/ingest`;
  }

  /** Per-item answers to the batches on `ingest`, once durable. */
  get ingestReply(): string {
    return `${this.base}/events/ingest/reply`;
  }

  /** Replies to commands (`.../set`): what was done, or what was wrong. */
  get response(): string {
    return `${this.base}/response`;
  }

  /** Device figures (CPU, memory, disk, backlog, sync lag) as one JSON object. */
  get deviceState(): string {
    return `${this.base}/state`;
  }

  /** A per-appliance state or command topic: `alarm`, `siren`… (`/set` for commands). */
  device(name: string, suffix?: 'set' | 'state' | 'panel'): string {
    return suffix ? `${this.base}/${name}/${suffix}` : `${this.base}/${name}`;
  }

  /** A per-camera topic: `<base>/<camera>/<name>[/<suffix>]`. */
  camera(camera: string, name: string, suffix?: 'set' | 'state'): string {
    return suffix ? `${this.base}/${camera}/${name}/${suffix}` : `${this.base}/${camera}/${name}`;
  }
}

/**
 * The events topic of every appliance, as the central receiver subscribes to it: an MQTT 5
 * shared subscription, so that receivers of one group split the load.
 */
export function sharedEventsFilter(prefix: string, group: string): string {
  return `$share/${group}/${prefix}/+/events`;
}

/** The device id in `<prefix>/<id>/events` (or `/ack`), or null for any other topic. */
export function deviceOfTopic(prefix: string, topic: string): string | null {
  const parts = topic.split('/');
  return parts.length === 3 && parts[0] === prefix ? (parts[1] as string) : null;
}
