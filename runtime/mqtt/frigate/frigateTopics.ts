/**
 * Frigate's MQTT topic names under its prefix (`frigate` unless `mqtt.frigate_prefix` says
 * otherwise), as Frigate's documentation lists them: automations, blueprints, Node-RED flows and
 * Double Take subscribe to exactly these.
 */
export class FrigateTopics {
  constructor(readonly prefix: string) {}

  /** `online` / `offline`, retained. */
  get available(): string {
    return `${this.prefix}/available`;
  }

  /** `{type, before, after}` for each new, changed and ended tracked object. */
  get events(): string {
    return `${this.prefix}/events`;
  }

  /** Results about a tracked object found after the fact (a recognised face). */
  get trackedObjectUpdate(): string {
    return `${this.prefix}/tracked_object_update`;
  }

  /** The `/api/stats` object, every stats interval. */
  get stats(): string {
    return `${this.prefix}/stats`;
  }

  /** Count of `label` objects on `camera` (`all` for every label); `/active`: those not stationary. */
  count(camera: string, label: string, active: boolean): string {
    return active ? `${this.prefix}/${camera}/${label}/active` : `${this.prefix}/${camera}/${label}`;
  }

  /** The best snapshot (JPEG) of the latest `label` object on `camera`, retained. */
  snapshot(camera: string, label: string): string {
    return `${this.prefix}/${camera}/${label}/snapshot`;
  }

  /** `ON` while the camera sees motion, `OFF` after. */
  motion(camera: string): string {
    return `${this.prefix}/${camera}/motion`;
  }

  /** A camera setting's state (`ON`/`OFF`, retained): detect, motion, recordings, snapshots, enabled. */
  state(camera: string, setting: string): string {
    return `${this.prefix}/${camera}/${setting}/state`;
  }

  /** A camera setting's command topic (`ON`/`OFF`). */
  set(camera: string, setting: string): string {
    return `${this.prefix}/${camera}/${setting}/set`;
  }
}
