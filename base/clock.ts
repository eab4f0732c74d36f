/**
 * The time as the runtime reads it. A Raspberry Pi has no real-time clock: it boots at the last
 * saved time (or 1970) and its wall clock jumps when NTP answers, forwards by up to years and
 * sometimes backwards. So there are two readings:
 *
 * - `now()`, the wall clock (epoch ms): what a stamp says, for people and other systems;
 * - `monotonic()`, ms from an arbitrary origin that never jumps: every duration, timeout, window
 *   and expiry the process measures itself.
 *
 * `now() - monotonic()` is the clock's offset; it changes only when the wall clock is set, which is
 * how a jump is told from time passing (runtime/system/clockWatch.ts).
 */
export interface Clock {
  /** Wall-clock time, epoch ms (jumps when the clock is set). */
  now(): number;
  /** Milliseconds from an arbitrary origin (the process start), never jumping, for durations. */
  monotonic(): number;
}

/** The process's own clocks: `Date.now()` and `performance.now()`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/**
 * A wall stamp moved onto the monotonic timeline with the offset of the moment it was read: two
 * stamps taken on either side of a clock jump keep their true distance (the jump cancels out).
 */
export function monotonicOf(clock: Clock, wall: number): number {
  return wall - (clock.now() - clock.monotonic());
}
