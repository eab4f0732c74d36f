import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** A stored password: never the password itself, only its scrypt hash and the parameters to check it. */
export interface PasswordHash {
  kdf: 'scrypt';
  /** CPU/memory cost (a power of two), block size and parallelism. */
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

// ~100 ms and 32 MiB on a Pi 4 core: slow for a guesser, fine for a login.
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return { kdf: 'scrypt', ...COST, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Compares in constant time; false for a wrong password. */
export async function verifyPassword(stored: PasswordHash, password: string): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// No 0/O, 1/l/I: the password is read off a console and typed on a phone.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 4 groups of 4 from a 31-letter alphabet (~79 bits), e.g. `k7pq-3mzt-w9ax-c4rd`. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    // Rejection sampling keeps every letter equally likely.
    while (group.length < 4) {
      const byte = randomBytes(1)[0] ?? 255;
      if (byte < 248) group += ALPHABET[byte % ALPHABET.length];
    }
    groups.push(group);
  }
  return groups.join('-');
}
