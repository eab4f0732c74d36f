/**
 * A FIFO of at most `limit` items on a circular array. `Array#shift` is O(n) once V8 gives up
 * on its fast path, and a subscription queue is shifted once per delivered event, so the bus
 * uses this instead. Storage starts small and doubles up to `limit`, so a generous capacity
 * costs nothing until a subscriber actually falls behind.
 */
export class RingBuffer<T> {
  readonly limit: number;
  #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  constructor(limit: number) {
    this.limit = limit;
    this.#items = new Array<T | undefined>(Math.min(limit, 16));
  }

  /** Number of items held. */
  get length(): number {
    return this.#length;
  }

  /** True when another `push` would exceed `limit`. */
  get full(): boolean {
    return this.#length >= this.limit;
  }

  /** Appends at the tail; throws if full, because callers must decide what overflow means. */
  push(item: T): void {
    if (this.#length >= this.limit) throw new RangeError(`ring buffer is full (limit ${this.limit})`);
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = item;
    this.#length++;
  }

  /** Removes and returns the head, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    // Clear the slot so a delivered payload (e.g. a frame buffer) can be collected.
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** Removes every item, returning them oldest first. */
  clear(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const size = Math.min(this.limit, this.#items.length * 2);
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.#length; i++) next[i] = this.#items[(this.#head + i) % this.#items.length];
    this.#items = next;
    this.#head = 0;
  }
}
