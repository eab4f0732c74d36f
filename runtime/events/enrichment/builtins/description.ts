import type { DescriptionProviderConfig } from '../../../config/schema/enrichment';
import type { VigilEvent } from '../../../domain/eventModel';
import { errorText } from '../errors';
import type { Enricher, EnrichmentContext, EnrichmentResult } from '../types';
import type { DescriptionRequest } from './chatCompletions';
import { cameraDisplayName } from './displayText';
import type { FaceIdentity } from './faceIdentity';
import { describeWithProviders } from './providerChain';
import { summarizeEvent } from './summarizer';

/** Reads a snapshot file; null (or empty) when there is none. Bytes are sent as a `data:` URL. */
export type SnapshotLoader = (path: string) => Promise<Uint8Array | null>;

export interface DescriptionEnricherOptions {
  /** Time for all providers of one event together. */
  budgetMs: number;
  /** Tried in order; empty means the local summary only. */
  providers: readonly DescriptionProviderConfig[];
  cameraNames?: Readonly<Record<string, string>>;
  /** Without it no image is sent, only the event's facts. */
  loadSnapshot?: SnapshotLoader;
  fetch?: typeof fetch;
  /** Orchestrator timeout when there are no providers; with providers it is raised to cover the budget. */
  timeoutMs: number;
  /** Events described at once when providers are configured (the local summary has no limit). */
  concurrency: number;
}

/** Headroom over the budget so the orchestrator's timeout never cuts the chain's own fallback short. */
const BUDGET_SLACK_MS = 250;
/** Longest `data` JSON passed to a provider; more is noise and cost. */
const MAX_DETAILS = 2000;

/**
 * `description`: a deterministic local summary of every event, refined by an OpenAI-compatible
 * vision-language model when providers are configured. Never fails because of a provider: the
 * result says which `source` produced `text` ('local' or the provider's base_url) and lists
 * every provider error.
 */
export function createDescriptionEnricher(options: DescriptionEnricherOptions): Enricher {
  const remote = options.providers.length > 0;
  /** The local summary and what it was made from (the providers are told the same facts). */
  function summaryOf(event: VigilEvent, ctx: Pick<EnrichmentContext, 'results'>) {
    const metadata = successData(ctx.results, 'metadata');
    const face = (successData(ctx.results, 'face_identity') as FaceIdentity | undefined) ?? null;
    const cameraName =
      typeof metadata?.camera_name === 'string'
        ? metadata.camera_name
        : event.camera === null
          ? null
          : cameraDisplayName(event.camera, options.cameraNames);
    return { summary: summarizeEvent(event, { cameraName, face }), cameraName, metadata, face };
  }
  return {
    name: 'description',
    priority: 100,
    dependsOn: ['metadata'],
    // Most events have no face: its absence must not stop the description.
    optionalDependsOn: ['face_identity'],
    timeoutMs: remote ? Math.max(options.timeoutMs, options.budgetMs + BUDGET_SLACK_MS) : options.timeoutMs,
    // The provider chain is the retry; running it again would only spend the budget twice.
    retries: 0,
    ...(remote ? { concurrency: options.concurrency } : {}),
    canProcess: () => true,
    // Without providers it is the local summary alone: pure computation.
    ...(remote ? {} : { enrichNow: (event, ctx) => localDescription(summaryOf(event, ctx)) }),
    async enrich(event, ctx) {
      const { summary, cameraName, metadata, face } = summaryOf(event, ctx);
      if (!remote) return localDescription({ summary });

      const deadline = performance.now() + options.budgetMs;
      const request: DescriptionRequest = { summary, facts: facts(event, cameraName, metadata, face) };
      const image = await loadImage(event, options.loadSnapshot, deadline);
      if (image.dataUrl !== undefined) request.imageDataUrl = image.dataUrl;
      const chain = { providers: options.providers, budgetMs: options.budgetMs, signal: ctx.signal };
      const outcome = await describeWithProviders(
        request,
        options.fetch ? { ...chain, fetch: options.fetch } : chain,
        deadline,
      );
      const data: Record<string, unknown> = {
        text: outcome.text ?? summary,
        source: outcome.source ?? 'local',
        local_summary: summary,
        provider_errors: outcome.errors,
        image_sent: image.dataUrl !== undefined,
      };
      if (outcome.model !== undefined) data.model = outcome.model;
      if (image.error !== undefined) data.snapshot_error = image.error;
      return data;
    },
  };
}

function localDescription({ summary }: { summary: string }): Record<string, unknown> {
  return { text: summary, source: 'local', local_summary: summary, provider_errors: [] };
}

function successData(results: ReadonlyMap<string, EnrichmentResult>, name: string) {
  const result = results.get(name);
  return result?.status === 'success' ? result.data : undefined;
}

/** What the model is told about the event, besides the summary. */
function facts(
  event: VigilEvent,
  cameraName: string | null,
  metadata: Record<string, unknown> | undefined,
  face: FaceIdentity | null,
): Record<string, unknown> {
  // Embeddings are hundreds of floats and the snapshot path is local: neither helps the model.
  const { embedding: _embedding, snapshot: _snapshot, ...rest } = event.data;
  const details = JSON.stringify(rest);
  return {
    type: event.type,
    local_time: metadata?.local_time ?? new Date(event.timestamp).toISOString(),
    day_night: metadata?.day_night,
    camera: cameraName,
    zones: event.zones,
    label: event.label,
    confidence: event.confidence,
    severity: event.severity,
    face: face === null ? undefined : { name: face.name, list: face.list },
    details: details.length <= MAX_DETAILS ? rest : `(omitted: ${details.length} characters)`,
  };
}

/** The event's snapshot as a data URL, loaded within the budget; a failure only loses the image. */
async function loadImage(
  event: VigilEvent,
  load: SnapshotLoader | undefined,
  deadline: number,
): Promise<{ dataUrl?: string; error?: string }> {
  const path = event.data.snapshot;
  if (load === undefined || typeof path !== 'string' || path === '') return {};
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('loading the snapshot used up the budget')),
      Math.max(0, deadline - performance.now()),
    );
  });
  try {
    const bytes = await Promise.race([load(path), late]);
    if (bytes === null || bytes.length === 0) return {};
    return { dataUrl: `data:${imageType(bytes)};base64,${Buffer.from(bytes).toString('base64')}` };
  } catch (err) {
    return { error: `snapshot not sent: ${errorText(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Snapshots are JPEG; PNG is recognised by its signature so a PNG is not mislabelled. */
function imageType(bytes: Uint8Array): string {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
    ? 'image/png'
    : 'image/jpeg';
}
