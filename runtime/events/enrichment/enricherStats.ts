import type { BreakerState } from './circuitBreaker';
import type { EnrichmentResult, EnrichmentStatus } from './types';

/** Counters and latency of one enricher since start; the lead exports these as Prometheus metrics. */
export interface EnricherStats {
  name: string;
  success: number;
  failed: number;
  timeout: number;
  skipped: number;
  circuitOpen: number;
  /** Attempts beyond the first, over all events. */
  retries: number;
  /** Median and 95th percentile of `durationMs` over the last {@link DURATION_SAMPLES} runs that called `enrich`. */
  p50Ms: number | null;
  p95Ms: number | null;
  breaker: BreakerState;
}

/** Enough samples for a stable p95 while keeping `stats()` a cheap sort. */
const DURATION_SAMPLES = 256;

const COUNTER_BY_STATUS: Record<
  EnrichmentStatus,
  'success' | 'failed' | 'timeout' | 'skipped' | 'circuitOpen'
> = {
  success: 'success',
  failed: 'failed',
  timeout: 'timeout',
  skipped: 'skipped',
  circuit_open: 'circuitOpen',
};

/** Accumulates one enricher's results. */
export class EnricherStatsRecorder {
  readonly #counts = { success: 0, failed: 0, timeout: 0, skipped: 0, circuitOpen: 0, retries: 0 };
  // Ring buffer of recent durations: a percentile over a window, in fixed memory.
  readonly #durations: number[] = [];
  #next = 0;

  record(result: EnrichmentResult): void {
    this.#counts[COUNTER_BY_STATUS[result.status]] += 1;
    if (result.attempts === 0) return;
    this.#counts.retries += result.attempts - 1;
    this.#durations[this.#next] = result.durationMs;
    this.#next = (this.#next + 1) % DURATION_SAMPLES;
  }

  snapshot(name: string, breaker: BreakerState): EnricherStats {
    const sorted = [...this.#durations].sort((a, b) => a - b);
    return {
      name,
      ...this.#counts,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      breaker,
    };
  }
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? null;
}
