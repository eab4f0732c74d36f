import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../helpers/freePort';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import type { NetNs } from '../../../helpers/netns';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';
import { untilRunning } from '../../events/e2e/e2eKit';
import { DEVICE } from './syncKit';

/**
 * Partition tests: the appliance runs in its own network namespace (test/helpers/netns.ts) and
 * reaches mosquitto on the host through a veth pair, so a cut drops its packets to the broker
 * (nothing is refused: the TCP connection stays half-open) while its HTTP API stays reachable.
 */

/** Keep-alive of the appliance in these tests (the smallest the config takes). */
export const KEEPALIVE_SECONDS = 5;

/** Mosquitto on loopback (for the central server) and on the host's end of the veth pair. */
export async function partitionBroker(ns: NetNs): Promise<Broker> {
  const port = await freePort();
  return startBroker({
    port,
    access: [`listener ${port} 127.0.0.1`, `listener ${port} ${ns.hostIp}`, 'allow_anonymous true'],
  });
}

export interface NsAppliance {
  dir: string;
  dataDir: string;
  /** http://<namespace address>:8080 */
  base: string;
  start(): Promise<VigilProcess>;
}

/** `vigil run` in `ns`, syncing through the broker at the host's end of the veth pair. */
export function nsAppliance(dir: string, ns: NetNs, broker: Broker): NsAppliance {
  const file = join(dir, 'config.yaml');
  const dataDir = join(dir, 'data');
  writeFileSync(
    file,
    [
      `device: { id: ${DEVICE}, name: Partitioned Pi }`,
      `data_dir: ${dataDir}`,
      `http: { host: ${ns.nsIp}, port: 8080, auth: { enabled: false } }`,
      `mqtt: { enabled: true, url: 'mqtt://${ns.hostIp}:${broker.port}', homeassistant: false, keepalive_seconds: ${KEEPALIVE_SECONDS}, reconnect: { min_seconds: 0.2, max_seconds: 1 }, sync: { ack_timeout_seconds: 2 } }`,
      'shutdown: { timeout_seconds: 15 }',
    ].join('\n'),
  );
  return {
    dir,
    dataDir,
    base: `http://${ns.nsIp}:8080`,
    start: () =>
      untilRunning(startVigil(['run', '--config', file], {}, undefined, undefined, undefined, ns.exec)),
  };
}

/** Whether a log line's message starts with `prefix`. */
export function message(prefix: string) {
  return (line: Record<string, unknown>) => typeof line.msg === 'string' && line.msg.startsWith(prefix);
}

/** Epoch ms a log line was written at (pino's `time`). */
export function loggedAt(line: Record<string, unknown>): number {
  return Number(line.time);
}
