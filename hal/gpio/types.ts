import type { Logger } from '../../base/logger';
import type { GpioLineConfig } from './gpioSchema';

/**
 * A GPIO output (siren, relay). `on` is LOGICAL: with `active_low` the driver drives the line
 * low for on. It starts off, and `close()` leaves it off.
 */
export interface GpioOutput {
  readonly direction: 'output';
  readonly name: string;
  /** Switches the line; resolves once the new level is applied. Calls are applied in order. */
  set(on: boolean): Promise<void>;
  /** The logical state last applied. */
  state(): boolean;
  /** Switches off and releases the line. Idempotent. */
  close(): Promise<void>;
}

/** A GPIO input (PIR, door contact), debounced, with LOGICAL values (`active_low` inverts). */
export interface GpioInput {
  readonly direction: 'input';
  readonly name: string;
  /** The current debounced logical value. */
  value(): boolean;
  /** Calls `cb` on every debounced change, `at` = ms since the epoch when the change began. Returns an unsubscribe. */
  onChange(cb: (value: boolean, at: number) => void): () => void;
  /** Stops watching the line. Idempotent. */
  close(): Promise<void>;
}

/** Either kind of line; `direction` tells which. */
export type GpioLine = GpioOutput | GpioInput;

/** Paths of the libgpiod command-line tools (PATH lookup by default; tests point at stand-ins). */
export interface GpiodTools {
  gpioset: string;
  gpioget: string;
  gpiomon: string;
}

/** Polling and waiting intervals; the defaults suit real hardware, tests shorten them. */
export interface GpioTiming {
  /** sysfs inputs: how often `value` is read. */
  pollMs: number;
  /** sysfs: how long to wait for `gpioN/` (and its permissions) after writing `export`. */
  exportWaitMs: number;
  /** gpiod outputs: a `gpioset` still running this long after start is taken as holding the line. */
  settleMs: number;
  /** gpiod: SIGTERM-to-SIGKILL grace when stopping a tool. */
  stopGraceMs: number;
  /** gpiod inputs: delay before restarting a `gpiomon` that exited on its own. */
  restartMs: number;
}

/** What every driver gets: the line's name and config, plus test/platform knobs. */
export interface GpioLineOptions {
  /** The key under `gpio:` (siren, relay, pir, …). */
  name: string;
  config: GpioLineConfig;
  logger?: Logger;
  timing?: Partial<GpioTiming>;
  /** gpiod driver: tool paths. */
  tools?: Partial<GpiodTools>;
}

/** Tool paths and timing for forcing outputs off (defaults: Debian's tools on PATH, real-hardware timing). */
export interface ForceOffOptions {
  tools?: Partial<GpiodTools>;
  timing?: Partial<GpioTiming>;
}

/**
 * One GPIO driver: everything Vigil does with a line of its kind. The registry in gpioDrivers.ts
 * maps every driver name the config accepts to one of these, so a driver missing any part is a
 * compile error.
 */
export interface GpioDriver {
  /** Opens an output; it is OFF once this resolves. */
  output(options: GpioLineOptions): Promise<GpioOutput>;
  /** Opens a debounced input. */
  input(options: GpioLineOptions): Promise<GpioInput>;
  /**
   * Drives an output to its OFF physical `level` with no daemon running: `vigil gpio off`, run by
   * systemd after a crash. A driver with nothing physical to switch does nothing.
   */
  forceOff(line: GpioLineConfig, level: 0 | 1, options: ForceOffOptions): Promise<void>;
  /**
   * Where the pin lives for this driver (its chip, or the sysfs tree): two lines of one driver
   * with the same location and pin are the same physical line.
   */
  location(line: GpioLineConfig): string;
}
