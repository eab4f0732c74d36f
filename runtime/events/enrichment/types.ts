import type { VigilEvent } from '../../domain/eventModel';

/** How one enricher's work on one event ended. */
export type EnrichmentStatus = 'success' | 'skipped' | 'failed' | 'timeout' | 'circuit_open';

/** One enricher's outcome for one event; stored with the event and shown by `GET /api/v1/events/:id`. */
export interface EnrichmentResult {
  enricher: string;
  status: EnrichmentStatus;
  /** What the enricher added; present only on success. */
  data?: Record<string, unknown>;
  /** Wall time spent on this enricher for this event, retries and backoff included. */
  durationMs: number;
  /** Calls made to `enrich` (0 when skipped or the breaker was open). */
  attempts: number;
  /** Why it did not succeed (last attempt's error, the skip reason, …). */
  error?: string;
}

/**
 * The `error` of a `skipped` result whose enricher has nothing to add to the event (`canProcess`
 * said no). Such results are counted but not stored: the event's enrichments list what happened.
 */
export const NOT_APPLICABLE = 'not applicable to this event';

/** What an enricher sees besides the event. */
export interface EnrichmentContext {
  /** Results of the enrichers that finished before this one started (every dependency among them). */
  results: ReadonlyMap<string, EnrichmentResult>;
  /** Aborted when this attempt timed out or the run was cancelled: stop work and release sockets. */
  signal: AbortSignal;
}

/**
 * A processor that adds data to an event. Throw {@link TemporaryError} for failures worth
 * retrying (network, busy service); any other error is permanent and is not retried.
 */
export interface Enricher {
  /** Unique name; the key of its data in the stored enrichments. */
  readonly name: string;
  /** Among enrichers ready at the same time, lower starts first. */
  readonly priority: number;
  /** Enrichers that must succeed first; if one does not, this one is skipped. */
  readonly dependsOn: readonly string[];
  /** Enrichers to wait for whatever their outcome; their data is used when present. */
  readonly optionalDependsOn?: readonly string[];
  /** Limit for one attempt; the signal is aborted and the attempt abandoned past it. */
  readonly timeoutMs: number;
  /** Extra attempts after a temporary error or a timeout. */
  readonly retries: number;
  /**
   * Most events this enricher works on at once (default: no limit). Routing enriches whole
   * batches concurrently; an enricher that calls out (a language model) sets it so a batch does
   * not become hundreds of requests at once. Waiting for a turn is not counted in `timeoutMs`.
   */
  readonly concurrency?: number;
  /** Whether this enricher has anything to add to this event; false → `skipped`. */
  canProcess(event: VigilEvent): boolean;
  enrich(event: VigilEvent, ctx: EnrichmentContext): Promise<Record<string, unknown>>;
  /**
   * The same work done synchronously, for an enricher that is pure computation (the metadata,
   * the local description): the orchestrator calls it first and, when it returns, uses its data
   * without a timeout (a synchronous call could not be interrupted anyway), a signal or a turn of
   * the event loop. If it throws, the event goes the `enrich` way, retries and timeout included.
   */
  enrichNow?(event: VigilEvent, ctx: Pick<EnrichmentContext, 'results'>): Record<string, unknown>;
}
