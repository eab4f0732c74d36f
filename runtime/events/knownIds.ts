/** Bits per id and hash functions for about 1 % false positives. */
const BITS_PER_ID = 9.6;
const HASHES = 7;
const FIRST_CAPACITY = 1 << 20;

/** One fixed-size Bloom filter. */
class BloomFilter {
  readonly capacity: number;
  readonly #bits: Uint32Array;
  readonly #size: number;
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#size = Math.ceil(capacity * BITS_PER_ID);
    this.#bits = new Uint32Array(Math.ceil(this.#size / 32));
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) % this.#size;
      this.#bits[bit >>> 5] = (this.#bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
    this.count++;
  }

  has(h1: number, h2: number): boolean {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) % this.#size;
      if (((this.#bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit FNV-1a hashes of the id (different offset bases), for double hashing. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  // h2 odd (so never 0) and, like h1, unsigned: the probes h1 + i·h2 stay positive.
  return [a >>> 0, (b | 1) >>> 0];
}

/**
 * The ids the event log may already hold: a scalable Bloom filter (a new filter of twice the
 * size when the last is full) over every stored id. The idempotency check (a replayed id returns
 * its first result) reads the database only for ids this says "maybe" to: every replay, and about
 * 1 % of new ids, instead of once per event. Never a false "no" for an id added to it.
 * 1 million ids take 1.2 MB.
 */
export class KnownIds {
  readonly #filters: BloomFilter[] = [new BloomFilter(FIRST_CAPACITY)];

  static of(ids: Iterable<string>): KnownIds {
    const known = new KnownIds();
    for (const id of ids) known.add(id);
    return known;
  }

  add(id: string): void {
    let last = this.#filters[this.#filters.length - 1] as BloomFilter;
    if (last.count >= last.capacity) {
      last = new BloomFilter(last.capacity * 2);
      this.#filters.push(last);
    }
    const [h1, h2] = hashes(id);
    last.add(h1, h2);
  }

  /** False: certainly never added. True: probably added. */
  mayContain(id: string): boolean {
    const [h1, h2] = hashes(id);
    return this.#filters.some((filter) => filter.has(h1, h2));
  }

  get size(): number {
    return this.#filters.reduce((n, filter) => n + filter.count, 0);
  }
}
