import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 of `parts` joined by newlines, base64url (43 characters). The newline keeps
 * `('ab', 'c')` and `('a', 'bc')` apart; parts that may hold a newline go last.
 */
export function hmacSha256(key: Buffer, ...parts: ReadonlyArray<string | Buffer>): string {
  const hmac = createHmac('sha256', key);
  parts.forEach((part, index) => {
    if (index > 0) hmac.update('\n');
    hmac.update(part);
  });
  return hmac.digest('base64url');
}

/** Compares two strings in constant time for equal lengths (a secret's length is not the secret). */
export function equalsConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
