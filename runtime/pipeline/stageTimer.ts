/** Total time and count per pipeline stage, for the benchmark's per-frame split and the stats. */
export class StageTimer<S extends string = string> {
  readonly #totals: Map<S, { ms: number; count: number }>;

  constructor(stages: readonly S[]) {
    this.#totals = new Map(stages.map((stage) => [stage, { ms: 0, count: 0 }]));
  }

  time<T>(stage: S, work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - started);
    }
  }

  async timeAsync<T>(stage: S, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - started);
    }
  }

  add(stage: S, ms: number): void {
    const total = this.#totals.get(stage);
    if (!total) return;
    total.ms += ms;
    total.count++;
  }

  /** Total ms and runs per stage since start (or the last reset). */
  totals(): Record<S, { ms: number; count: number }> {
    return Object.fromEntries([...this.#totals].map(([stage, t]) => [stage, { ...t }])) as Record<
      S,
      { ms: number; count: number }
    >;
  }

  reset(): void {
    for (const total of this.#totals.values()) {
      total.ms = 0;
      total.count = 0;
    }
  }
}
