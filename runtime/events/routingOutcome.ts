import type { VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import type { EnrichmentResult } from './enrichment/types';
import type { DeliveryResult } from './routing/channel';
import { deadLetterOp, type RoutingOp, stateOp } from './routingOps';

/** One event of a batch once enriched and ruled (or failed doing so). */
export type Outcome =
  | {
      event: VigilEvent;
      results: EnrichmentResult[];
      decision: Decision;
      description: string | null;
      /** Set inside the transaction: the staged channels' results. */
      staged?: DeliveryResult[];
    }
  | { event: VigilEvent; error: Error };

export type Decided = Extract<Outcome, { decision: Decision }>;

/** The rows of an event whose enrichment, rules or staging failed. */
export function deadLetterOps(event: VigilEvent, error: Error, at: number): RoutingOp[] {
  return [
    deadLetterOp(event.id, 'process', error.message, { event_id: event.id }, at),
    stateOp(event.id, 'dead_lettered', at, 'processor', error.message),
  ];
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** The description enricher's text, when it succeeded. */
export function descriptionOf(results: readonly EnrichmentResult[]): string | null {
  const text = results.find((r) => r.enricher === 'description' && r.status === 'success')?.data?.text;
  return typeof text === 'string' ? text : null;
}

/** The `routed` audit reason: each channel's outcome; `live` channels are sent after the commit. */
export function routeSummary(deliveries: readonly DeliveryResult[], live: readonly string[] = []): string {
  const parts = deliveries.map((d) => {
    if (!d.ok) return `${d.channel} failed (${d.error ?? 'error'})`;
    return d.skipped === undefined ? `${d.channel} ok` : `${d.channel} skipped (${d.skipped})`;
  });
  for (const name of live) parts.push(`${name} live`);
  return parts.length > 0 ? parts.join(', ') : 'no channel';
}
