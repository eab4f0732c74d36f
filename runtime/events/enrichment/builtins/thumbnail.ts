import type { Enricher } from '../types';

export interface ThumbnailEnricherOptions {
  timeoutMs: number;
  retries: number;
}

/**
 * `thumbnail`: the API path of the event's snapshot, when the producer saved one
 * (`data.snapshot` is its file path). A reference only: clients fetch the image from the API,
 * so the file path itself is never exposed.
 */
export function createThumbnailEnricher(options: ThumbnailEnricherOptions): Enricher {
  return {
    name: 'thumbnail',
    priority: 30,
    dependsOn: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    canProcess: (event) => typeof event.data.snapshot === 'string' && event.data.snapshot.trim() !== '',
    async enrich(event) {
      return { snapshot_url: `/api/v1/events/${encodeURIComponent(event.id)}/snapshot.jpg` };
    },
  };
}
