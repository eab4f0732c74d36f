import type { Counter } from 'prom-client';

/**
 * Increments of a counter with two labels, gathered over a routing batch and added once per pair
 * of label values at the end: prom-client builds and hashes a label object at every `inc`, and one
 * per enricher result and per delivery of every routed event was a visible share of the main
 * thread's allocations (and so of its garbage collection).
 */
export class PairTally<A extends string, B extends string> {
  readonly #counter: Counter<A | B>;
  readonly #a: A;
  readonly #b: B;
  readonly #counts = new Map<string, Map<string, number>>();

  constructor(counter: Counter<A | B>, a: A, b: B) {
    this.#counter = counter;
    this.#a = a;
    this.#b = b;
  }

  add(a: string, b: string): void {
    let counts = this.#counts.get(a);
    if (counts === undefined) {
      counts = new Map();
      this.#counts.set(a, counts);
    }
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }

  /** Adds what was gathered to the counter and starts again. */
  flush(): void {
    for (const [a, counts] of this.#counts)
      for (const [b, n] of counts) {
        const labels = { [this.#a]: a, [this.#b]: b } as Partial<Record<A | B, string>>;
        this.#counter.inc(labels, n);
      }
    this.#counts.clear();
  }
}
