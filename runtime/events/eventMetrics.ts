import type { Counter, Gauge } from 'prom-client';
import type { Logger } from '../../base/logger';
import type { LatencyHistogram } from '../metrics/latencyHistogram';
import type { Metrics } from '../metrics/metrics';

/** Pipeline stages timed separately (seconds, p50/p95/p99). */
export type Stage =
  | 'validate'
  | 'dedup'
  | 'classify'
  | 'aggregate'
  | 'persist'
  | 'enrich'
  | 'rules'
  | 'route';

/** The event processor's counters and timings, registered once on the app's registry. */
export interface EventMetrics {
  processed: Counter<'type'>;
  rejected: Counter<'field'>;
  deduplicated: Counter<'reason'>;
  enriched: Counter<'enricher' | 'status'>;
  filtered: Counter;
  routed: Counter<'channel' | 'ok'>;
  deadLetters: Counter<'stage'>;
  stageSeconds: LatencyHistogram;
  ingestToDurableSeconds: LatencyHistogram;
  endToEndSeconds: LatencyHistogram;
  openIncidents: Gauge;
  routingQueue: Gauge;
}

export function createEventMetrics(metrics: Metrics): EventMetrics {
  return {
    processed: metrics.counter({
      name: 'vigil_events_processed_total',
      help: 'Events stored, by type',
      labelNames: ['type'],
    }),
    rejected: metrics.counter({
      name: 'vigil_events_rejected_total',
      help: 'Events refused as invalid, by field',
      labelNames: ['field'],
    }),
    deduplicated: metrics.counter({
      name: 'vigil_events_deduplicated_total',
      help: 'Events folded into an earlier one, by reason (id: a replayed id; fingerprint, iou: a same-state repeat)',
      labelNames: ['reason'],
    }),
    enriched: metrics.counter({
      name: 'vigil_events_enriched_total',
      help: 'Enricher runs by outcome',
      labelNames: ['enricher', 'status'],
    }),
    filtered: metrics.counter({ name: 'vigil_events_filtered_total', help: 'Events blocked by a rule' }),
    routed: metrics.counter({
      name: 'vigil_events_routed_total',
      help: 'Deliveries per channel',
      labelNames: ['channel', 'ok'],
    }),
    deadLetters: metrics.counter({
      name: 'vigil_dead_letter_total',
      help: 'Events sent to the dead-letter table',
      labelNames: ['stage'],
    }),
    stageSeconds: metrics.histogram({
      name: 'vigil_events_stage_seconds',
      help: 'Time per pipeline stage',
      labelName: 'stage',
    }),
    ingestToDurableSeconds: metrics.histogram({
      name: 'vigil_events_ingest_to_durable_seconds',
      help: 'From receipt to acknowledged (committed to disk)',
    }),
    endToEndSeconds: metrics.histogram({
      name: 'vigil_events_end_to_end_seconds',
      help: 'From receipt to routed to every channel',
    }),
    openIncidents: metrics.gauge({ name: 'vigil_incidents_open', help: 'Incidents still collecting events' }),
    routingQueue: metrics.gauge({
      name: 'vigil_events_routing_queue',
      help: 'Stored events waiting to be enriched and routed',
    }),
  };
}

/**
 * Ends a pipeline stage that began at `since` (performance.now()): its time goes to the stage
 * histogram and, at debug level, to a log line. Returns now, the start of the next stage.
 */
export function endStage(
  metrics: EventMetrics,
  logger: Logger | undefined,
  stage: Stage,
  since: number,
  eventId: string | undefined,
): number {
  const now = performance.now();
  metrics.stageSeconds.series(stage).observe((now - since) / 1000);
  if (logger?.isLevelEnabled('debug')) logger.debug({ stage, eventId, ms: now - since }, 'event stage done');
  return now;
}
