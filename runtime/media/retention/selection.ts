/** Anything retention may delete, oldest first: a media unit or an unknown face. */
export interface Deletable {
  createdAt: number;
  bytes: number;
}

/** Those created before `cutoff` that `held` lets go, oldest first. */
export function olderThan<T extends Deletable>(
  items: readonly T[],
  cutoff: number,
  held: (item: T) => boolean,
): T[] {
  return items.filter((item) => item.createdAt < cutoff && !held(item));
}

/** What a size cap takes, and whether it could get under the cap without touching held items. */
export interface OverCap<T> {
  picked: T[];
  /** Bytes left after deleting `picked`. */
  remainingBytes: number;
  /** True when only held items stand between the total and the cap. */
  stillOver: boolean;
}

/** The oldest items `held` lets go until the total is at or under `cap`. */
export function oldestOverCap<T extends Deletable>(
  items: readonly T[],
  cap: number,
  held: (item: T) => boolean,
): OverCap<T> {
  let remainingBytes = items.reduce((sum, item) => sum + item.bytes, 0);
  const picked: T[] = [];
  for (const item of items) {
    if (remainingBytes <= cap) break;
    if (held(item)) continue;
    picked.push(item);
    remainingBytes -= item.bytes;
  }
  return { picked, remainingBytes, stillOver: remainingBytes > cap };
}

/** The oldest items `held` lets go until their bytes reach `wanted` (at least one, at most `limit`). */
export function oldestCovering<T extends Deletable>(
  items: Iterable<T>,
  wanted: number,
  limit: number,
  held: (item: T) => boolean,
): T[] {
  const picked: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (picked.length >= limit || (picked.length > 0 && bytes >= wanted)) break;
    if (held(item)) continue;
    picked.push(item);
    bytes += item.bytes;
  }
  return picked;
}
