import type { EnrichmentConfig } from '../../../config/schema/enrichment';
import type { Enricher } from '../types';
import { createDescriptionEnricher, type SnapshotLoader } from './description';
import { createFaceIdentityEnricher, type FaceGallery } from './faceIdentity';
import { createMetadataEnricher, type DeviceIdentity } from './metadata';
import { createThumbnailEnricher } from './thumbnail';

/** What the built-in enrichers need from the rest of the app. */
export interface BuiltinEnricherOptions {
  /** `events.enrichment` from the config. */
  config: EnrichmentConfig;
  /** `device` from the config (id, name, timezone). */
  device: DeviceIdentity;
  /** Display names by camera key; unlisted cameras get their key made readable ("front_door" → "Front door"). */
  cameraNames?: Readonly<Record<string, string>>;
  /** The faces gallery; without it identities come from event data only. */
  faceGallery?: FaceGallery;
  /** Reads a snapshot for the vision-language providers; without it they get text only. */
  loadSnapshot?: SnapshotLoader;
  /** HTTP client for the providers (default: global fetch). */
  fetch?: typeof fetch;
}

/**
 * The built-in enrichers: `metadata`, `face_identity`, `thumbnail`, and `description` unless
 * `config.description.enabled` is false. Hand them to `EnrichmentOrchestrator`.
 *
 * @throws {EnrichmentConfigError} when `device.timezone` is not a known time zone.
 */
export function createBuiltinEnrichers(options: BuiltinEnricherOptions): Enricher[] {
  const { config } = options;
  const limits = { timeoutMs: config.timeout_ms, retries: config.retries };
  const cameraNames = options.cameraNames ?? {};
  const enrichers: Enricher[] = [
    createMetadataEnricher({
      ...limits,
      device: options.device,
      cameraNames,
      dayStartHour: config.day_start_hour,
      dayEndHour: config.day_end_hour,
    }),
    createFaceIdentityEnricher(options.faceGallery ? { ...limits, gallery: options.faceGallery } : limits),
    createThumbnailEnricher(limits),
  ];
  if (config.description.enabled) {
    enrichers.push(
      createDescriptionEnricher({
        timeoutMs: config.timeout_ms,
        budgetMs: config.description.budget_ms,
        concurrency: config.description.concurrency,
        providers: config.description.providers,
        cameraNames,
        ...(options.loadSnapshot ? { loadSnapshot: options.loadSnapshot } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    );
  }
  return enrichers;
}
