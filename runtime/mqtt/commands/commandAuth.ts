import { randomBytes } from 'node:crypto';
import { equalsConstantTime, hmacSha256 } from '../../../base/hmac';
import { CommandError } from '../../alarm/commandError';

/**
 * A command signed by a client that holds `mqtt.commands.secret`: the command's own payload with
 * the time it was made, a nonce and an HMAC-SHA256 over the topic, the time, the nonce and the
 * payload. The topic is inside the signature, so a signed `detect OFF` for one camera cannot be
 * replayed on another, nor an arm on the siren.
 */
export interface SignedCommand {
  /** Epoch ms when it was signed. */
  ts: number;
  /** Random, at least 8 characters: one signature is taken once. */
  nonce: string;
  /** The command as it would be sent unsigned (`ON`, `{"mode":"away"}`, …). */
  payload: string;
  /** base64url HMAC-SHA256(secret, topic \n ts \n nonce \n payload). */
  sig: string;
}

/** Signs `payload` for `topic` (what `vigil mqtt-sign` and scripts do). */
export function signCommand(topic: string, payload: string, secret: string, now = Date.now()): SignedCommand {
  const nonce = randomBytes(12).toString('base64url');
  return { ts: now, nonce, payload, sig: signature(topic, now, nonce, payload, secret) };
}

function signature(topic: string, ts: number, nonce: string, payload: string, secret: string): string {
  return hmacSha256(Buffer.from(secret), topic, String(ts), nonce, payload);
}

/**
 * Checks signed commands: the signature, a time within the replay window (either way: a clock a
 * little ahead is no attack), and a nonce not seen within it (an exact copy is refused).
 */
export class CommandSignatures {
  readonly #secret: string;
  readonly #windowMs: number;
  readonly #seen = new Map<string, number>();

  constructor(secret: string, windowSeconds: number) {
    this.#secret = secret;
    this.#windowMs = windowSeconds * 1000;
  }

  /** The inner payload of a signed command; throws a CommandError naming what is wrong. */
  open(topic: string, command: SignedCommand, now = Date.now()): string {
    const expected = signature(topic, command.ts, command.nonce, command.payload, this.#secret);
    if (!equalsConstantTime(command.sig, expected))
      throw new CommandError(
        'unauthorized',
        'sig: does not match (wrong secret, or signed for another topic)',
        'sig',
      );
    if (Math.abs(now - command.ts) > this.#windowMs) {
      throw new CommandError(
        'unauthorized',
        `ts: signed ${Math.round((now - command.ts) / 1000)} s from now, outside the ${this.#windowMs / 1000} s window — check both clocks`,
        'ts',
      );
    }
    this.#forgetOlderThan(now - this.#windowMs);
    if (this.#seen.has(command.nonce))
      throw new CommandError('unauthorized', 'nonce: this command was taken already', 'nonce');
    this.#seen.set(command.nonce, command.ts);
    return command.payload;
  }

  #forgetOlderThan(limit: number): void {
    for (const [nonce, ts] of this.#seen) if (ts < limit) this.#seen.delete(nonce);
  }
}

/**
 * The alarm code Home Assistant's alarm panel sends with every arm, disarm and trigger. Wrong
 * codes are counted: after `attemptsPerMinute` of them within a minute, every coded command is
 * refused for a minute, so the code cannot be guessed over the broker.
 */
export class AlarmCode {
  readonly #code: string;
  readonly #attempts: number;
  readonly #failures: number[] = [];
  #lockedUntil = 0;

  constructor(code: string, attemptsPerMinute: number) {
    this.#code = code;
    this.#attempts = attemptsPerMinute;
  }

  /** Throws a CommandError naming `code` unless `given` is the code and no lockout is running. */
  check(given: string | undefined, now = Date.now()): void {
    if (now < this.#lockedUntil) {
      throw new CommandError(
        'too_many_requests',
        `code: too many wrong codes — wait ${Math.ceil((this.#lockedUntil - now) / 1000)} s`,
        'code',
      );
    }
    if (given !== undefined && equalsConstantTime(given, this.#code)) return;
    while (this.#failures.length > 0 && (this.#failures[0] ?? 0) <= now - 60_000) this.#failures.shift();
    this.#failures.push(now);
    if (this.#failures.length >= this.#attempts) {
      this.#lockedUntil = now + 60_000;
      this.#failures.length = 0;
    }
    throw new CommandError(
      'unauthorized',
      given === undefined ? 'code: required' : 'code: wrong code',
      'code',
    );
  }
}
