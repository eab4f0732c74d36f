import type { Logger } from '../../../base/logger';
import { type BuiltinEnricherOptions, createBuiltinEnrichers } from './builtins/index';
import { EnrichmentOrchestrator, type EnrichmentOrchestratorOptions } from './orchestrator';
import type { Enricher } from './types';

export interface CreateEnrichmentOptions extends BuiltinEnricherOptions {
  logger?: Logger;
  /** Enrichers added by other parts of the app; they may depend on the built-in ones. */
  extraEnrichers?: readonly Enricher[];
  onResult?: EnrichmentOrchestratorOptions['onResult'];
}

/**
 * The orchestrator with the built-in enrichers, wired from `events.enrichment`: the one call
 * the composition root needs.
 *
 * @throws {EnrichmentConfigError} on a bad time zone or an invalid enricher graph.
 */
export function createEnrichment(options: CreateEnrichmentOptions): EnrichmentOrchestrator {
  const { config } = options;
  const orchestratorOptions: EnrichmentOrchestratorOptions = {
    backoffMs: config.backoff_ms,
    breaker: { failures: config.breaker.failures, cooldownMs: config.breaker.cooldown_seconds * 1000 },
  };
  if (options.logger) orchestratorOptions.logger = options.logger;
  if (options.onResult) orchestratorOptions.onResult = options.onResult;
  return new EnrichmentOrchestrator(
    [...createBuiltinEnrichers(options), ...(options.extraEnrichers ?? [])],
    orchestratorOptions,
  );
}
