import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './freePort';
import { tempDir } from './tempDir';

export interface Broker {
  /** mqtt://<host>:<port> (127.0.0.1 unless `host` says otherwise) */
  readonly url: string;
  readonly port: number;
  /** Starts the broker again on the same port (after `stop` or `kill`). */
  start(): Promise<void>;
  /** SIGTERM, waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the broker loses whatever it held in memory. */
  kill(): Promise<void>;
  /** What the broker wrote to stderr (its log). */
  log(): string;
}

export interface BrokerOptions {
  /** Keep retained messages and sessions across restarts in a file (mosquitto's `persistence`). */
  persistence?: boolean;
  /** Directory for its config and data; default: a temporary one removed when the test file ends. */
  dir?: string;
  /** Port to listen on; default: a free one. */
  port?: number;
  /**
   * Lines that replace the loopback listener and anonymous access, e.g. the mosquitto.conf part
   * `vigil mqtt-acl` writes (with its listener on `port`, and its logins and ACL).
   */
  access?: string[];
  /** Also log at debug level: every message, and every PUBLISH the ACL denied. */
  debugLog?: boolean;
  /** A command it runs behind (`ip netns exec NS`, which execs in place: the pid stays mosquitto's). */
  wrapper?: readonly string[];
  /** The address the host reaches it at (one of `access`'s listeners); default 127.0.0.1. */
  host?: string;
}

const BINARY = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

/**
 * A real Mosquitto process on a free loopback port, anonymous access (unless `access` says
 * otherwise), for one test file.
 * The process is killed when the test process exits.
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? tempDir('vigil-mosquitto-');
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      ...(options.access ?? [`listener ${port} 127.0.0.1`, 'allow_anonymous true']),
      // As root, mosquitto would switch to its own user, which cannot write the test's private directory.
      'user root',
      `persistence ${options.persistence ? 'true' : 'false'}`,
      `persistence_location ${dir}/`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      ...(options.debugLog ? ['log_type debug'] : []),
      'max_queued_messages 100000',
      'set_tcp_nodelay true',
      'message_size_limit 0',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';
  const reap = () => child?.kill('SIGKILL');
  process.once('exit', reap);

  const waitForExit = async (signal: NodeJS.Signals) => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      current.once('exit', () => resolve());
      current.kill(signal);
    });
    child = undefined;
  };

  const host = options.host ?? '127.0.0.1';
  const [command = BINARY, ...args] = [...(options.wrapper ?? []), BINARY, '-c', conf];
  const broker: Broker = {
    url: `mqtt://${host}:${port}`,
    port,
    async start() {
      child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      await waitForPort(host, port, 10_000, () => log);
    },
    stop: () => waitForExit('SIGTERM'),
    kill: () => waitForExit('SIGKILL'),
    log: () => log,
  };
  await broker.start();
  return broker;
}

async function waitForPort(host: string, port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on port ${port} within ${timeoutMs} ms:\n${log()}`);
}
