import { systemClock } from '../../../base/clock';
/** The login limits across every client address (`http.auth`). */
export interface LoginLimits {
  /** Failed logins allowed per minute from all addresses together. */
  failedPerMinute: number;
  /** Failed logins in a row (from any address) before each further one doubles the wait. */
  backoffAfter: number;
  /** The longest wait the doubling reaches. */
  maxBackoffMs: number;
}

/** How an attempt went: the password was right (with what it opened) or wrong, or it was not even checked. */
export type LoginVerdict<T> =
  | { kind: 'ok'; opened: T }
  | { kind: 'wrong' }
  | { kind: 'wait'; retryAfterMs: number };

const WINDOW_MS = 60_000;
// The first wait of the backoff; each further failure doubles it.
const FIRST_BACKOFF_MS = 1_000;

/**
 * Limits password guessing across all client addresses, on top of the per-address limit: a
 * guesser with many addresses meets the same walls.
 * - at most `failedPerMinute` failed logins a minute, in all;
 * - after `backoffAfter` failures in a row, each further failure doubles the wait before the next
 *   attempt is heard (1 s, 2 s, 4 s … up to `maxBackoffMs`); a successful login ends it.
 * While locked, no password is checked, the right one included, so a guesser learns nothing.
 * Passwords are checked one at a time: scrypt takes ~100 ms and 32 MiB each, and a failure must
 * count before the next attempt is judged.
 */
export class LoginThrottle {
  readonly #limits: LoginLimits;
  readonly #now: () => number;
  /** When each failure of the last minute happened, oldest first. */
  readonly #failures: number[] = [];
  #inARow = 0;
  #lockedUntil = 0;
  #queued = 0;
  #turn: Promise<void> = Promise.resolve();

  /** `now` is monotonic: a clock set back an hour must not lock the admin out for an hour. */
  constructor(limits: LoginLimits, now: () => number = systemClock.monotonic) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Failed logins in a row since the last successful one. */
  get failuresInARow(): number {
    return this.#inARow;
  }

  /**
   * Runs `verify` (the password check: what it opens, or null for a wrong password) unless the
   * limits say wait, and records its outcome.
   */
  async attempt<T>(verify: () => Promise<T | null>): Promise<LoginVerdict<T>> {
    // Attempts waiting for their turn count as failures to come, so the queue stays bounded.
    const waitMs = this.#waitMs(this.#queued);
    if (waitMs > 0) return { kind: 'wait', retryAfterMs: waitMs };
    this.#queued += 1;
    const previous = this.#turn;
    let release = () => {};
    this.#turn = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await previous;
      // Judged again at its turn: the attempts before it may have failed meanwhile.
      const stillMs = this.#waitMs(0);
      if (stillMs > 0) return { kind: 'wait', retryAfterMs: stillMs };
      const opened = await verify();
      this.#record(opened !== null);
      return opened === null ? { kind: 'wrong' } : { kind: 'ok', opened };
    } finally {
      this.#queued -= 1;
      release();
    }
  }

  /** How long until an attempt may be checked, with `pending` attempts counted as failures. */
  #waitMs(pending: number): number {
    const now = this.#now();
    while (this.#failures.length > 0 && (this.#failures[0] as number) <= now - WINDOW_MS)
      this.#failures.shift();
    let waitMs = Math.max(0, this.#lockedUntil - now);
    if (this.#failures.length + pending >= this.#limits.failedPerMinute) {
      const oldest = this.#failures[0];
      // Only queued attempts fill the window: one second, for them to be decided.
      waitMs = Math.max(waitMs, oldest === undefined ? 1_000 : oldest + WINDOW_MS - now);
    }
    return waitMs;
  }

  #record(ok: boolean): void {
    if (ok) {
      this.#inARow = 0;
      this.#lockedUntil = 0;
      return;
    }
    const now = this.#now();
    this.#failures.push(now);
    this.#inARow += 1;
    const over = this.#inARow - this.#limits.backoffAfter;
    if (over >= 0) {
      const backoffMs = Math.min(this.#limits.maxBackoffMs, FIRST_BACKOFF_MS * 2 ** Math.min(over, 30));
      this.#lockedUntil = now + backoffMs;
    }
  }
}
