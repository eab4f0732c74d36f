import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { vtestVideo } from '../../../../eval/footage';
import { freePort } from '../../../helpers/freePort';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { createNetNs, type Impairment, linkNetNs, type NetNs } from '../../../helpers/netns';
import { tempDir } from '../../../helpers/tempDir';
import { startVigil, type VigilProcess } from '../../../helpers/vigilProcess';
import { stopVigil, untilRunning, withDb } from '../../events/e2e/e2eKit';
import { type Central, central, DEVICE } from './syncKit';

/**
 * Partition tests: the appliance runs in one network namespace, mosquitto and the central server
 * in another, joined by a veth pair of their own (test/helpers/netns.ts); each namespace also
 * has a veth pair to the host, through which the test reaches both HTTP APIs. Impairing the link
 * drops the appliance's packets to and from the broker (nothing is refused: the TCP connection
 * stays half-open) while the test's view stays clear.
 */

/** Keep-alive of the appliance in these tests (the smallest the config takes). */
export const KEEPALIVE_SECONDS = 5;

export interface NsAppliance {
  dir: string;
  dataDir: string;
  /** http://<namespace address>:8080 */
  base: string;
  /** Starts it; without `cameras`, on the same data and link with no camera (nothing new comes in). */
  start(options?: { cameras?: boolean }): Promise<VigilProcess>;
}

/** Everything a partition test runs on; removed by `after` hooks, also when the test fails. */
export interface PartitionRig {
  dir: string;
  broker: Broker;
  device: NsAppliance;
  /** Starts `vigil central` beside the broker, the appliance's device key enrolled. */
  startCentral(): Promise<{ receiver: Central; process: VigilProcess }>;
  /** What the link between the appliance and the broker does now (`NetNs.impair`; `{}` heals). */
  link(impairment: Impairment): void;
}

/**
 * Makes the namespaces, the link and the broker, and writes the appliance's config (MQTT over
 * the link; with `camera`, a file camera of that name looping vtest.avi's walkers at 5 fps).
 * Call it in a test body: its `after` hooks register on the running test.
 */
export async function partitionRig(options: { camera?: string } = {}): Promise<PartitionRig> {
  const dir = tempDir();
  const applianceNs = createNetNs();
  after(() => applianceNs.remove());
  const serverNs = createNetNs();
  after(() => serverNs.remove());
  const { bIp } = linkNetNs(applianceNs, serverNs);
  const port = await freePort();
  const broker = await startBroker({
    port,
    // The central server on loopback, the appliance over the link, the test's probe from the host.
    access: [
      `listener ${port} 127.0.0.1`,
      `listener ${port} ${bIp}`,
      `listener ${port} ${serverNs.nsIp}`,
      'allow_anonymous true',
    ],
    wrapper: serverNs.exec,
    host: serverNs.nsIp,
  });
  after(() => broker.stop());
  const device = nsAppliance(dir, applianceNs, `mqtt://${bIp}:${port}`, options.camera);
  return {
    dir,
    broker,
    device,
    async startCentral() {
      const receiver = await central(dir, `mqtt://127.0.0.1:${port}`, { ns: serverNs });
      receiver.enroll(device);
      const process = await receiver.start();
      // Also when the test failed: a child left running would keep the test process alive.
      after(() => stopVigil(process));
      return { receiver, process };
    },
    link(impairment) {
      applianceNs.impair(bIp, impairment);
    },
  };
}

/** `vigil run` in `ns`, syncing through the broker at `brokerUrl`. */
function nsAppliance(dir: string, ns: NetNs, brokerUrl: string, camera?: string): NsAppliance {
  const dataDir = join(dir, 'data');
  const common = [
    `device: { id: ${DEVICE}, name: Partitioned Pi }`,
    `data_dir: ${dataDir}`,
    `http: { host: ${ns.nsIp}, port: 8080, auth: { enabled: false } }`,
    `mqtt: { enabled: true, url: '${brokerUrl}', homeassistant: false, keepalive_seconds: ${KEEPALIVE_SECONDS}, reconnect: { min_seconds: 0.2, max_seconds: 1 }, sync: { ack_timeout_seconds: 2 } }`,
    'shutdown: { timeout_seconds: 15 }',
  ];
  const file = join(dir, 'config.yaml');
  const cameras = camera
    ? [
        'cameras:',
        `  ${camera}:`,
        `    source: { driver: file, path: ${vtestVideo()}, loop: true, realtime: true }`,
        '    detect: { width: 640, height: 360, fps: 5 }',
      ]
    : [];
  writeFileSync(file, [...common, ...cameras, ''].join('\n'));
  const withoutCameras = join(dir, 'config-no-cameras.yaml');
  writeFileSync(withoutCameras, [...common, ''].join('\n'));
  return {
    dir,
    dataDir,
    base: `http://${ns.nsIp}:8080`,
    start({ cameras = true } = {}) {
      const vigil = startVigil(
        ['run', '--config', cameras ? file : withoutCameras],
        {},
        undefined,
        undefined,
        undefined,
        ns.exec,
      );
      after(() => stopVigil(vigil));
      return untilRunning(vigil);
    },
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

/** An outbox row of the appliance: an event it acknowledged and routed to the central server. */
export interface OutboxRow {
  id: string;
  camera: string | null;
  acked: boolean;
}

/** The appliance's outbox in its order (the events' ingest order), read beside the running process. */
export function outbox(dir: string): OutboxRow[] {
  return withDb(dir, (db) =>
    (
      db.prepare('SELECT event_id, camera, acked_at FROM outbox ORDER BY event_seq, id').all() as Array<{
        event_id: string;
        camera: string | null;
        acked_at: number | null;
      }>
    ).map((r) => ({ id: r.event_id, camera: r.camera, acked: r.acked_at !== null })),
  );
}

/** Outbox rows not yet acknowledged by the central server, of those created up to `until` (epoch ms). */
export function backlog(dir: string, until = Number.MAX_SAFE_INTEGER): number {
  return withDb(
    dir,
    (db) =>
      db
        .prepare('SELECT count(*) FROM outbox WHERE acked_at IS NULL AND created_at <= ?')
        .pluck()
        .get(until) as number,
  );
}

/**
 * The longest the appliance's event loop was held up since the last call (prom-client's
 * `nodejs_eventloop_lag_max_seconds`, reset at each scrape), in ms: on a loaded machine its
 * timers, the keep-alive's among them, fire that much late.
 */
export async function eventLoopLagMaxMs(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('vigil_nodejs_eventloop_lag_max_seconds '));
  if (!line) throw new Error('the appliance exposes no vigil_nodejs_eventloop_lag_max_seconds');
  return Math.round(Number(line.split(' ')[1]) * 1000);
}

/** Stops `vigil` (SIGTERM) and fails, with its warnings and errors, unless it stopped cleanly. */
export async function stopCleanly(vigil: VigilProcess, what: string): Promise<void> {
  const code = await stopVigil(vigil);
  if (code === 0) return;
  const complaints = vigil.logs.filter((l) => Number(l.level) >= 40 || 'raw' in l).slice(-20);
  throw new Error(
    `${what} exited with ${code} at the stop; its last warnings and errors:\n${complaints.map((l) => JSON.stringify(l)).join('\n')}\nstderr: ${vigil.stderr().slice(-2000)}`,
  );
}

/** `(loadavg …)` for a printed figure. */
export function loadavg(): string {
  return `(loadavg ${readFileSync('/proc/loadavg', 'utf8').trim()})`;
}
