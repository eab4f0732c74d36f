import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time: one call into OpenSSL per ~400 ids instead of one per id. */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;
/** The random part of an id: 74 bits are used, in 10 bytes. */
const RANDOM_BYTES = 10;

/**
 * A UUIDv7 (RFC 9562): 48 bits of epoch milliseconds, then random bits. Ids that grow with
 * time make SQLite append to the primary-key B-tree instead of writing into random pages, and
 * sort by creation time.
 */
export function newEventId(now = Date.now()): string {
  if (poolOffset + RANDOM_BYTES > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  POOL.copy(bytes, 6, poolOffset, poolOffset + RANDOM_BYTES);
  // Each random byte is used once: an id must not share its random part with another.
  poolOffset += RANDOM_BYTES;
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
