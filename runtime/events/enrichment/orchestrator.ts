import type { Logger } from '../../../base/logger';
import type { VigilEvent } from '../../domain/eventModel';
import { runWithRetries } from './attempts';
import { CircuitBreaker } from './circuitBreaker';
import { prerequisites, validateEnrichers } from './dependencyGraph';
import { type EnricherStats, EnricherStatsRecorder } from './enricherStats';
import { errorText } from './errors';
import { type Enricher, type EnrichmentResult, NOT_APPLICABLE } from './types';

/** How the orchestrator runs enrichers; every field has a default. */
export interface EnrichmentOrchestratorOptions {
  logger?: Logger;
  /** Delay before the first retry, doubled for each further one (default 50). */
  backoffMs?: number;
  /** Consecutive failures that open an enricher's breaker, and how long it stays open (default 5, 30 s). */
  breaker?: { failures: number; cooldownMs: number };
  /** Most enrichers running at once for one event (default: no limit). */
  concurrency?: number;
  /** Clock for breaker cooldowns, in ms (default `performance.now`); tests inject one to skip waiting. */
  now?: () => number;
  /** 0..1 source for retry jitter (default `Math.random`). */
  random?: () => number;
  /** Called with every result as it is produced, e.g. to feed a latency summary. */
  onResult?: (result: EnrichmentResult) => void;
}

interface Slot {
  enricher: Enricher;
  breaker: CircuitBreaker;
  stats: EnricherStatsRecorder;
  /** Calls in flight over all events, and the calls waiting for a turn (`enricher.concurrency`). */
  active: number;
  waiting: Array<() => void>;
}

/**
 * Runs a DAG of enrichers on each event: an enricher starts once everything it depends on has
 * finished, independent ones run concurrently (lower priority first), each attempt is bounded
 * by its timeout, temporary failures are retried with backoff, and a per-enricher circuit
 * breaker turns a persistently failing enricher into an instant `circuit_open`.
 */
export class EnrichmentOrchestrator {
  /** In start order: priority, then registration order. */
  readonly #byPriority: readonly Slot[];
  /** In registration order: the order of `run`'s results. */
  readonly #slots: readonly Slot[];
  readonly #backoffMs: number;
  readonly #concurrency: number;
  readonly #random: () => number;
  readonly #options: EnrichmentOrchestratorOptions;

  /** @throws {EnrichmentConfigError} on a duplicate name, an unknown dependency, a cycle or bad limits. */
  constructor(enrichers: readonly Enricher[], options: EnrichmentOrchestratorOptions = {}) {
    validateEnrichers(enrichers);
    this.#options = options;
    this.#backoffMs = options.backoffMs ?? 50;
    this.#concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
    this.#random = options.random ?? Math.random;
    const breaker = options.breaker ?? { failures: 5, cooldownMs: 30_000 };
    const now = options.now ?? (() => performance.now());
    this.#slots = enrichers.map((enricher) => ({
      enricher,
      active: 0,
      waiting: [],
      stats: new EnricherStatsRecorder(),
      breaker: new CircuitBreaker({
        failureThreshold: breaker.failures,
        cooldownMs: breaker.cooldownMs,
        now,
        onStateChange: (from, to) =>
          options.logger?.warn(
            { enricher: enricher.name, from, to },
            'enricher circuit breaker changed state',
          ),
      }),
    }));
    this.#byPriority = [...this.#slots].sort((a, b) => a.enricher.priority - b.enricher.priority);
  }

  /** Names of the enrichers, in registration order. */
  get names(): string[] {
    return this.#slots.map((slot) => slot.enricher.name);
  }

  /**
   * Enriches one event. Resolves with one result per enricher, in registration order, once every
   * enricher has finished, been skipped, or timed out; never rejects.
   */
  run(event: VigilEvent): Promise<EnrichmentResult[]> {
    const results = new Map<string, EnrichmentResult>();
    const waiting = new Set(this.#byPriority);
    let running = 0;

    return new Promise((resolve) => {
      const finish = (slot: Slot, result: EnrichmentResult): void => {
        results.set(slot.enricher.name, result);
        slot.stats.record(result);
        this.#report(event, result);
      };
      const pump = (): void => {
        let progressed = true;
        while (progressed) {
          progressed = false;
          for (const slot of waiting) {
            if (running >= this.#concurrency) break;
            if (!prerequisites(slot.enricher).every((name) => results.has(name))) continue;
            waiting.delete(slot);
            progressed = true;
            const early = this.#precheck(slot, event, results) ?? this.#now(slot, event, results);
            if (early) {
              finish(slot, early);
              continue;
            }
            running += 1;
            void this.#execute(slot, event, new Map(results))
              .catch((err: unknown) =>
                notRun(slot.enricher, 'failed', `orchestrator error: ${errorText(err)}`),
              )
              .then((result) => {
                running -= 1;
                finish(slot, result);
                pump();
              });
          }
        }
        if (waiting.size === 0 && running === 0)
          resolve(this.#slots.flatMap((slot) => results.get(slot.enricher.name) ?? []));
      };
      pump();
    });
  }

  /** Per-enricher counters, latency and breaker state, in registration order. */
  stats(): EnricherStats[] {
    return this.#slots.map((slot) => slot.stats.snapshot(slot.enricher.name, slot.breaker.state));
  }

  /** The result of an enricher that will not run for this event, or null if it should run. */
  #precheck(
    slot: Slot,
    event: VigilEvent,
    results: ReadonlyMap<string, EnrichmentResult>,
  ): EnrichmentResult | null {
    const { enricher } = slot;
    const unmet = enricher.dependsOn.find((name) => results.get(name)?.status !== 'success');
    if (unmet !== undefined) {
      const status = results.get(unmet)?.status;
      return notRun(enricher, 'skipped', `dependency '${unmet}' did not succeed (${status})`);
    }
    try {
      if (!enricher.canProcess(event)) return notRun(enricher, 'skipped', NOT_APPLICABLE);
    } catch (err) {
      return notRun(enricher, 'failed', `canProcess threw: ${errorText(err)}`);
    }
    if (!slot.breaker.tryAcquire())
      return notRun(enricher, 'circuit_open', 'circuit breaker open after repeated failures; not called');
    return null;
  }

  /**
   * The enricher's synchronous path (`enrichNow`), when it has one and it returns data: the
   * success result, with no promise, timer or signal made. Null sends it the `enrich` way.
   */
  #now(
    slot: Slot,
    event: VigilEvent,
    results: ReadonlyMap<string, EnrichmentResult>,
  ): EnrichmentResult | null {
    const { enricher } = slot;
    if (enricher.enrichNow === undefined || slot.active >= (enricher.concurrency ?? Number.POSITIVE_INFINITY))
      return null;
    const startedAt = performance.now();
    let data: Record<string, unknown>;
    try {
      data = enricher.enrichNow(event, { results });
    } catch {
      // Deliberately not reported here: `enrich` runs next and reports its own outcome.
      return null;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
    slot.breaker.success();
    return {
      enricher: enricher.name,
      status: 'success',
      durationMs: performance.now() - startedAt,
      attempts: 1,
      data,
    };
  }

  async #execute(
    slot: Slot,
    event: VigilEvent,
    results: ReadonlyMap<string, EnrichmentResult>,
  ): Promise<EnrichmentResult> {
    await acquire(slot);
    const startedAt = performance.now();
    let outcome: Awaited<ReturnType<typeof runWithRetries>>;
    try {
      outcome = await runWithRetries(slot.enricher, event, results, {
        backoffMs: this.#backoffMs,
        random: this.#random,
      });
    } finally {
      release(slot);
    }
    if (outcome.status === 'success') slot.breaker.success();
    else slot.breaker.failure();
    const result: EnrichmentResult = {
      enricher: slot.enricher.name,
      status: outcome.status,
      durationMs: performance.now() - startedAt,
      attempts: outcome.attempts,
    };
    if (outcome.data !== undefined) result.data = outcome.data;
    if (outcome.error !== undefined) result.error = outcome.error;
    return result;
  }

  #report(event: VigilEvent, result: EnrichmentResult): void {
    const logger = this.#options.logger;
    if (logger) {
      const fields = { event: event.id, ...result, data: undefined };
      if (result.status === 'failed' || result.status === 'timeout')
        logger.warn(fields, 'enricher did not succeed');
      else if (logger.isLevelEnabled('debug')) logger.debug(fields, 'enricher finished');
    }
    try {
      this.#options.onResult?.(result);
    } catch (err) {
      // A metrics hook must not break enrichment; say so loudly instead of losing the event.
      logger?.error({ err, enricher: result.enricher }, 'enrichment onResult hook threw');
    }
  }
}

/** Waits for a turn under the enricher's own concurrency limit. */
function acquire(slot: Slot): Promise<void> {
  const limit = slot.enricher.concurrency ?? Number.POSITIVE_INFINITY;
  if (slot.active < limit) {
    slot.active += 1;
    return Promise.resolve();
  }
  // The turn passes straight from the releasing call to the waiter: `active` stays counted.
  return new Promise((resolve) => slot.waiting.push(resolve));
}

function release(slot: Slot): void {
  const next = slot.waiting.shift();
  if (next) next();
  else slot.active -= 1;
}

function notRun(enricher: Enricher, status: EnrichmentResult['status'], error: string): EnrichmentResult {
  return { enricher: enricher.name, status, durationMs: 0, attempts: 0, error };
}
