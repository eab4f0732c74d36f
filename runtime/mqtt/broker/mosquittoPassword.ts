import { pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * mosquitto_passwd's defaults in mosquitto 2.0 (src/password_mosq.h): 101 PBKDF2 iterations and
 * a 12-byte salt. The iteration count only slows down guessing weak passwords; the passwords
 * here are 192 random bits, which no number of iterations could make easier or harder to guess,
 * and every CONNECT costs the broker one derivation.
 */
const ITERATIONS = 101;
const SALT_BYTES = 12;
/** SHA-512's output size: mosquitto compares the whole derived key. */
const KEY_BYTES = 64;

/** A new broker password: 24 random bytes (192 bits), URL-safe base64, so it fits in a URL, YAML or a form. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A password_file line's hash as mosquitto 2 writes it (`mosquitto_passwd -H sha512-pbkdf2`):
 * `$7$<iterations>$<salt, base64>$<PBKDF2-HMAC-SHA512 of the password, base64>`. The broker
 * derives the key again at each login and compares, so the file never holds the password.
 */
export function mosquittoPasswordHash(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const key = pbkdf2Sync(password, salt, ITERATIONS, KEY_BYTES, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${key.toString('base64')}`;
}
