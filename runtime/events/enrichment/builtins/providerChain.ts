import type { DescriptionProviderConfig } from '../../../config/schema/enrichment';
import { errorText } from '../errors';
import { type DescriptionRequest, requestDescription } from './chatCompletions';

/** Why one provider did not produce the description. */
export interface ProviderError {
  base_url: string;
  model: string;
  error: string;
  duration_ms: number;
}

/** What the chain produced: a provider's text, or only the errors of every provider. */
export interface ChainOutcome {
  text?: string;
  /** `base_url` of the provider that answered. */
  source?: string;
  model?: string;
  errors: ProviderError[];
}

export interface ChainOptions {
  providers: readonly DescriptionProviderConfig[];
  /** Time for the whole chain, snapshot loading included. */
  budgetMs: number;
  /** The orchestrator's signal: aborted when the enricher itself timed out. */
  signal: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * Tries each provider in order until one answers, each bounded by its own `timeout_ms` and all
 * of them together by `budgetMs`; a provider that fails, times out or answers garbage only costs
 * its share of the budget and the next one is tried. Never rejects.
 */
export async function describeWithProviders(
  request: DescriptionRequest,
  options: ChainOptions,
  deadline: number,
): Promise<ChainOutcome> {
  const errors: ProviderError[] = [];
  for (const provider of options.providers) {
    const startedAt = performance.now();
    const remaining = deadline - startedAt;
    const failed = (error: string) =>
      errors.push({
        base_url: provider.base_url,
        model: provider.model,
        error,
        duration_ms: Math.round(performance.now() - startedAt),
      });
    if (remaining <= 0 || options.signal.aborted) {
      failed(`not tried: budget_ms (${options.budgetMs}) used up`);
      continue;
    }
    const limit = Math.min(provider.timeout_ms, remaining);
    const limiter = new AbortController();
    const timer = setTimeout(() => limiter.abort(), limit);
    try {
      const text = await requestDescription(
        provider,
        request,
        AbortSignal.any([limiter.signal, options.signal]),
        options.fetch,
      );
      return { text, source: provider.base_url, model: provider.model, errors };
    } catch (err) {
      if (options.signal.aborted) failed('cancelled: the description enricher timed out');
      else if (!limiter.signal.aborted) failed(fetchErrorText(err));
      else if (limit < provider.timeout_ms)
        failed(`stopped after ${Math.round(limit)} ms: budget_ms (${options.budgetMs}) used up`);
      else failed(`timed out after ${provider.timeout_ms} ms (timeout_ms)`);
    } finally {
      clearTimeout(timer);
    }
  }
  return { errors };
}

/** fetch's own "fetch failed" says nothing; the cause (ECONNREFUSED, ENOTFOUND…) does. */
function fetchErrorText(err: unknown): string {
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  const text = errorText(err);
  return detail === '' || text.includes(detail) ? text : `${text} (${detail})`;
}
