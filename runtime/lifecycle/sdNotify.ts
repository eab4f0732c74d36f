import { createRequire } from 'node:module';
import type { UnixDgramSocket } from 'unix-dgram';
import type { Logger } from '../../base/logger';

/**
 * Speaks systemd's notify protocol (READY=1, WATCHDOG=1, STOPPING=1, STATUS=…) when the
 * service manager set NOTIFY_SOCKET. Node has no unix datagram sockets, so this uses the
 * `unix-dgram` native addon: the datagram then comes from our own PID, which systemd's
 * default `NotifyAccess=main` requires (a spawned `systemd-notify` would be another PID).
 */
export class SdNotifier {
  readonly #logger: Logger;
  readonly #socketPath: string | undefined;
  readonly #watchdogIntervalMs: number | undefined;
  #socket: UnixDgramSocket | undefined;
  #watchdogTimer: NodeJS.Timeout | undefined;

  constructor(env: NodeJS.ProcessEnv, logger: Logger) {
    this.#logger = logger;
    this.#socketPath = notifySocketPath(env.NOTIFY_SOCKET);
    this.#watchdogIntervalMs = watchdogIntervalMs(env);
  }

  /** True when running under a service manager that listens for notifications. */
  get enabled(): boolean {
    return this.#socketPath !== undefined;
  }

  /** Everything started: systemd considers the unit active; the watchdog starts ticking. */
  ready(status = 'running'): void {
    this.#send(`READY=1\nSTATUS=${status}\nMAINPID=${process.pid}`);
    this.#startWatchdog();
  }

  /** Shutdown began: systemd waits for us (up to TimeoutStopSec) instead of assuming a hang. */
  stopping(status = 'stopping'): void {
    this.#stopWatchdog();
    this.#send(`STOPPING=1\nSTATUS=${status}`);
  }

  status(text: string): void {
    this.#send(`STATUS=${text}`);
  }

  close(): void {
    this.#stopWatchdog();
    this.#socket?.close();
    this.#socket = undefined;
  }

  #startWatchdog(): void {
    if (this.#watchdogIntervalMs === undefined || this.#watchdogTimer) return;
    // The timer only fires while the event loop turns, which is exactly what the watchdog should prove.
    this.#watchdogTimer = setInterval(() => this.#send('WATCHDOG=1'), this.#watchdogIntervalMs);
    this.#watchdogTimer.unref();
    this.#send('WATCHDOG=1');
  }

  #stopWatchdog(): void {
    clearInterval(this.#watchdogTimer);
    this.#watchdogTimer = undefined;
  }

  #send(message: string): void {
    if (this.#socketPath === undefined) return;
    try {
      this.#socket ??= openSocket();
      const buf = Buffer.from(message);
      this.#socket.send(buf, 0, buf.length, this.#socketPath, (err) => {
        if (err) this.#logger.warn({ err, socket: this.#socketPath }, 'systemd notification not delivered');
      });
    } catch (err) {
      this.#logger.warn({ err, socket: this.#socketPath }, 'systemd notification failed');
    }
  }
}

function openSocket(): UnixDgramSocket {
  // Loaded on first use so machines without a service manager never touch the native addon.
  const require = createRequire(import.meta.url);
  const unixDgram = require('unix-dgram') as typeof import('unix-dgram');
  return unixDgram.createSocket('unix_dgram');
}

function notifySocketPath(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // Abstract-namespace sockets ('@name') need a leading NUL byte.
  return value.startsWith('@') ? `\0${value.slice(1)}` : value;
}

/** Half of WATCHDOG_USEC, as sd_notify(3) recommends; undefined when the watchdog is off or not ours. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}
