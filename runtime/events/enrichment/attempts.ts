import type { VigilEvent } from '../../domain/eventModel';
import { EnrichmentTimeoutError, errorText, TemporaryError } from './errors';
import type { Enricher, EnrichmentResult } from './types';

/** How retries are spaced. */
export interface RetryPolicy {
  /** Delay before the first retry; doubles for each further one. */
  backoffMs: number;
  /** 0..1; spreads retries of many events so they do not hit a recovering service together. */
  random: () => number;
}

/** The outcome of all attempts of one enricher on one event. */
export interface AttemptsOutcome {
  status: 'success' | 'failed' | 'timeout';
  data?: Record<string, unknown>;
  attempts: number;
  error?: string;
}

type Attempt =
  | { kind: 'success'; data: Record<string, unknown> }
  | { kind: 'timeout'; error: EnrichmentTimeoutError }
  | { kind: 'error'; error: unknown };

/**
 * Calls `enricher.enrich` until it succeeds, fails permanently, or runs out of retries.
 * Temporary errors and timeouts are retried with exponential backoff and jitter; anything else
 * is permanent. Never rejects.
 */
export async function runWithRetries(
  enricher: Enricher,
  event: VigilEvent,
  results: ReadonlyMap<string, EnrichmentResult>,
  policy: RetryPolicy,
): Promise<AttemptsOutcome> {
  for (let attempts = 1; ; attempts++) {
    const attempt = await runOnce(enricher, event, results);
    if (attempt.kind === 'success') return { status: 'success', data: attempt.data, attempts };
    const status = attempt.kind === 'timeout' ? 'timeout' : 'failed';
    const retryable = attempt.kind === 'timeout' || attempt.error instanceof TemporaryError;
    if (!retryable || attempts > enricher.retries)
      return { status, attempts, error: errorText(attempt.error) };
    const base = policy.backoffMs * 2 ** (attempts - 1);
    await delay(base + base * 0.2 * policy.random());
  }
}

/**
 * One attempt raced against the enricher's timeout. On timeout the signal is aborted and the
 * attempt's promise is abandoned (it has a handler, so a late rejection is not unhandled): a
 * hung enricher costs at most its timeout, never the event.
 */
async function runOnce(
  enricher: Enricher,
  event: VigilEvent,
  results: ReadonlyMap<string, EnrichmentResult>,
): Promise<Attempt> {
  // Made when the enricher first reads its signal: most (metadata, the local description) never
  // do, and an AbortController per attempt was a visible share of routing's main-thread time.
  let controller: AbortController | undefined;
  let timedOut: EnrichmentTimeoutError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Attempt>((resolve) => {
    timer = setTimeout(() => {
      timedOut = new EnrichmentTimeoutError(enricher.name, enricher.timeoutMs);
      controller?.abort(timedOut);
      resolve({ kind: 'timeout', error: timedOut });
    }, enricher.timeoutMs);
  });
  const ctx = {
    results,
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        // Read only after the timeout: already aborted, as it would have been.
        if (timedOut !== undefined) controller.abort(timedOut);
      }
      return controller.signal;
    },
  };
  const work = startEnrich(enricher, event, ctx).then(
    (data): Attempt => checkData(enricher, data),
    (error: unknown): Attempt => ({ kind: 'error', error }),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function startEnrich(
  enricher: Enricher,
  event: VigilEvent,
  ctx: Parameters<Enricher['enrich']>[1],
): Promise<unknown> {
  try {
    return Promise.resolve(enricher.enrich(event, ctx));
  } catch (err) {
    // A synchronous throw from a non-async `enrich` is the same failure as a rejection.
    return Promise.reject(err);
  }
}

function checkData(enricher: Enricher, data: unknown): Attempt {
  if (typeof data === 'object' && data !== null && !Array.isArray(data))
    return { kind: 'success', data: data as Record<string, unknown> };
  const got = Array.isArray(data) ? 'an array' : typeof data;
  return {
    kind: 'error',
    error: new Error(`enricher '${enricher.name}' returned ${got}; enrich() must resolve to an object`),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
