import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrollDevice } from '../../../../runtime/central/deviceKeys';
import { ensureDeviceKey } from '../../../../runtime/mqtt/security/deviceKey';
import { freePort } from '../../../helpers/freePort';
import type { NetNs } from '../../../helpers/netns';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';
import { pollUntil, postEvent, runVigil, withDb, writeConfig } from '../../events/e2e/e2eKit';

/**
 * End-to-end sync tests run the real thing: `vigil run` with MQTT on, a real mosquitto, and
 * `vigil central`, each its own process, so that any of them can be killed with SIGKILL.
 */

export const DEVICE = 'e2e-pi';

export interface Appliance {
  dir: string;
  /** Its data_dir, where its device key is made. */
  dataDir: string;
  config: string;
  base: string;
  start(): Promise<VigilProcess>;
}

/**
 * A config for `vigil run` syncing to `brokerUrl` (quick reconnects and resends); `sync` replaces
 * the keys of mqtt.sync, `mqtt` adds keys to the mqtt block; Home Assistant discovery is off
 * unless `homeassistant`.
 */
export async function appliance(
  dir: string,
  brokerUrl: string,
  options: { sync?: string; mqtt?: string; homeassistant?: boolean } = {},
): Promise<Appliance> {
  const port = await freePort();
  const sync = `sync: { ${options.sync ?? 'ack_timeout_seconds: 2'} }`;
  const config = writeConfig(dir, port, {
    mqtt: `enabled: true, url: '${brokerUrl}', homeassistant: ${options.homeassistant ?? false}, reconnect: { min_seconds: 0.2, max_seconds: 1 }, ${sync}${options.mqtt ? `, ${options.mqtt}` : ''}`,
  });
  return {
    dir,
    dataDir: join(dir, 'data'),
    config,
    base: `http://127.0.0.1:${port}`,
    start: () => runVigil(config),
  };
}

export interface Central {
  base: string;
  dataDir: string;
  start(): Promise<VigilProcess>;
  /** Enrols the appliance's device key (made now if it has none), as `vigil central enroll` does. */
  enroll(appliance: Pick<Appliance, 'dataDir'>, device?: string): void;
}

/**
 * A config for `vigil central` on `brokerUrl`, data in `dir`; `mqtt` adds keys to the mqtt block
 * (a login); `ns` runs it in that network namespace, its HTTP on the namespace's address.
 */
export async function central(
  dir: string,
  brokerUrl: string,
  options: { mqtt?: string; ns?: Pick<NetNs, 'nsIp' | 'exec'> } = {},
): Promise<Central> {
  const port = await freePort();
  const host = options.ns?.nsIp ?? '127.0.0.1';
  const file = join(dir, 'central.yaml');
  const dataDir = join(dir, 'central-data');
  writeFileSync(
    file,
    [
      `data_dir: ${dataDir}`,
      `http: { host: ${host}, port: ${port}, auth: { enabled: false } }`,
      `mqtt: { url: '${brokerUrl}', reconnect: { min_seconds: 0.2, max_seconds: 1 }${options.mqtt ? `, ${options.mqtt}` : ''} }`,
    ].join('\n'),
  );
  return {
    base: `http://${host}:${port}`,
    dataDir,
    enroll(appliance, device = DEVICE) {
      const { key } = ensureDeviceKey(appliance.dataDir, false);
      enrollDevice(dataDir, device, key.toString('base64url'));
    },
    async start() {
      const process = startVigil(
        ['central', '--config', file],
        {},
        undefined,
        undefined,
        undefined,
        options.ns?.exec,
      );
      await process.waitForLog((l) => l.msg === 'central receiver listening');
      // Running, and subscribed: a batch sent before the broker granted the subscription (to a
      // group nobody is in yet) would be dropped.
      await process.waitForLog((l) => l.msg === 'subscribed to the MQTT topics');
      return process;
    },
  };
}

/** A distinct event (no dedup key shared with another) on `camera`; `n` orders them. */
export function syncEvent(
  run: string,
  camera: string,
  n: number,
  severity?: string,
): Record<string, unknown> {
  return {
    id: `${run}-${camera}-${n}`,
    type: 'sensor',
    camera,
    label: `pir-${camera}-${n}`,
    source: 'test',
    data: { n },
    ...(severity ? { severity } : {}),
  };
}

/** Posts events one after another; returns the ids acknowledged with 201. */
export async function postAll(base: string, events: Array<Record<string, unknown>>): Promise<string[]> {
  const created: string[] = [];
  for (const event of events) {
    const reply = await postEvent(base, event);
    if (reply.status !== 201) throw new Error(`POST ${event.id}: ${reply.status} ${reply.text}`);
    created.push(event.id as string);
  }
  return created;
}

export interface StoredEvent {
  device: string;
  seq: number;
  event: { id: string; camera: string | null; data: { n?: number } };
}

/**
 * Every event the central receiver holds: of `DEVICE` in the device's order (seq), or with
 * `arrival`, of every device in the order they were stored.
 */
export async function centralEvents(base: string, order: 'seq' | 'arrival' = 'seq'): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after = 0;
  const filter = order === 'seq' ? `device=${DEVICE}&` : '';
  for (;;) {
    const response = await fetch(`${base}/api/v1/events?${filter}limit=1000&after=${after}`);
    if (!response.ok) throw new Error(`central: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { events: StoredEvent[]; next: number | null };
    all.push(...page.events);
    if (page.next === null) return all;
    after = page.next;
  }
}

/** Waits until the central receiver holds at least `count` events of `device`. */
export async function untilCentralHas(
  base: string,
  count: number,
  timeoutMs = 30_000,
): Promise<StoredEvent[]> {
  let events: StoredEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    events = await centralEvents(base).catch(() => []);
    if (events.length >= count) return events;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`central holds ${events.length} events of ${DEVICE}, expected ${count}`);
}

/** Ids by camera in the order the central receiver stored them (by the device's seq). */
export function orderByCamera(events: StoredEvent[]): Map<string, string[]> {
  const byCamera = new Map<string, string[]>();
  for (const { event } of events) {
    const camera = event.camera ?? '';
    byCamera.set(camera, [...(byCamera.get(camera) ?? []), event.id]);
  }
  return byCamera;
}

/** Waits until the appliance's outbox holds nothing unacknowledged: the central server has it all. */
export function untilOutboxDrained(dir: string, timeoutMs: number): Promise<void> {
  const waiting = () =>
    withDb(
      dir,
      (db) => db.prepare('SELECT count(*) FROM outbox WHERE acked_at IS NULL').pluck().get() as number,
    );
  return pollUntil('the outbox is drained', () => waiting() === 0, timeoutMs);
}

export { pollUntil };
