import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../../base/clock';
import type { Logger } from '../../base/logger';

/** A change of the wall clock against the monotonic one: NTP (or someone) set the time. */
export interface ClockJump {
  /** How far the wall clock moved, ms: positive forwards, negative backwards. */
  deltaMs: number;
  /** The clock's offset (wall − monotonic) before the jump. */
  offsetBefore: number;
  /** The monotonic reading at which the jump was seen (it happened within the last check period). */
  seenAt: number;
  /** Whether the clock was synchronised (the sync file existed) when the jump was seen. */
  synced: boolean;
}

export interface ClockWatchOptions {
  clock?: Clock;
  /** `system.clock_sync_file`; empty: the clock is taken as synchronised. */
  syncFile: string;
  logger: Logger;
  /** A change of the offset above this is a jump, not scheduling noise (5 s). */
  toleranceMs?: number;
  /** How often the offset and the sync file are read (1 s). */
  periodMs?: number;
}

/**
 * Watches the wall clock: whether it is synchronised yet (systemd-timesyncd makes
 * `/run/systemd/timesync/synchronized` once NTP answered) and when it jumps. A jump is the clock's
 * offset (wall − monotonic) changing by more than the tolerance between two checks; it is logged
 * once and handed to the listeners (a `system` event, sessions re-based), never an error storm.
 * Synchronised stays synchronised: the file lasts until the next boot.
 */
export class ClockWatch {
  readonly name = 'clock';
  readonly clock: Clock;
  readonly #options: ClockWatchOptions;
  readonly #listeners: Array<(jump: ClockJump) => void> = [];
  #synced: boolean;
  #offset: number;
  #jumps = 0;
  #lastJump: ClockJump | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ClockWatchOptions) {
    this.#options = options;
    this.clock = options.clock ?? systemClock;
    this.#offset = this.#readOffset();
    this.#synced = this.#readSynced();
  }

  /** Whether the wall clock was set by NTP; stamps taken before are marked `clock_unsynced`. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Hears every jump, after it was logged. A listener that throws is logged, the others still hear. */
  onJump(listener: (jump: ClockJump) => void): void {
    this.#listeners.push(listener);
  }

  async start(): Promise<void> {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#options.periodMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  health(): Record<string, unknown> {
    return {
      synced: this.#synced,
      jumps: this.#jumps,
      ...(this.#lastJump ? { last_jump: describeJump(this.#lastJump.deltaMs) } : {}),
    };
  }

  /** Reads the sync file (until synchronised) and the offset; a jump is logged and handed on. */
  check(): ClockJump | null {
    if (!this.#synced && this.#readSynced()) {
      this.#synced = true;
      this.#options.logger.info(
        'the clock is synchronised (NTP): events are no longer marked clock_unsynced',
      );
    }
    // Against the previous check, so NTP's slow slewing (≤ 0.5 ms a second) never adds up to a jump.
    const offset = this.#readOffset();
    const offsetBefore = this.#offset;
    this.#offset = offset;
    const deltaMs = offset - offsetBefore;
    if (Math.abs(deltaMs) <= (this.#options.toleranceMs ?? 5000)) return null;
    const jump: ClockJump = { deltaMs, offsetBefore, seenAt: this.clock.monotonic(), synced: this.#synced };
    this.#jumps += 1;
    this.#lastJump = jump;
    this.#options.logger.warn(
      { delta_ms: Math.round(deltaMs), synced: this.#synced },
      `clock jumped ${describeJump(deltaMs)}`,
    );
    for (const listener of this.#listeners) {
      try {
        listener(jump);
      } catch (err) {
        this.#options.logger.error({ err }, 'a clock jump listener failed');
      }
    }
    return jump;
  }

  #readOffset(): number {
    return this.clock.now() - this.clock.monotonic();
  }

  /**
   * Synchronised when the file exists; also when the setting is empty or its folder does not
   * exist (no timesyncd: a development machine, a container), where nothing would ever make it.
   */
  #readSynced(): boolean {
    const file = this.#options.syncFile;
    if (file === '') return true;
    return existsSync(file) || !existsSync(dirname(file));
  }
}

/** `+365 d`, `-1 h`, `+12 min`, `-8 s`: a jump as a person reads it. */
export function describeJump(deltaMs: number): string {
  const sign = deltaMs < 0 ? '-' : '+';
  const abs = Math.abs(deltaMs);
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
  ];
  for (const [ms, unit] of units) {
    const value = abs / ms;
    // Rounded before the unit is chosen: a jump measured at 59.99 minutes reads `1 h`.
    const shown = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
    if (shown >= 1) return `${sign}${shown} ${unit}`;
  }
  return `${sign}${Math.round(abs / 1000)} s`;
}
