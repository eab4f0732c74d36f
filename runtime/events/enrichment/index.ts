export {
  type DescriptionProviderConfig,
  type EnrichmentConfig,
  EnrichmentConfigSchema,
} from '../../config/schema/enrichment';
export type { DescriptionEnricherOptions, SnapshotLoader } from './builtins/description';
export type { FaceGallery, FaceIdentity, FaceMatch } from './builtins/faceIdentity';
export { type BuiltinEnricherOptions, createBuiltinEnrichers } from './builtins/index';
export type { DeviceIdentity } from './builtins/metadata';
export { type SummaryContext, summarizeEvent } from './builtins/summarizer';
export type { BreakerState } from './circuitBreaker';
export { type CreateEnrichmentOptions, createEnrichment } from './createEnrichment';
export type { EnricherStats } from './enricherStats';
export { EnrichmentConfigError, EnrichmentTimeoutError, TemporaryError } from './errors';
export { EnrichmentOrchestrator, type EnrichmentOrchestratorOptions } from './orchestrator';
export type { Enricher, EnrichmentContext, EnrichmentResult, EnrichmentStatus } from './types';
