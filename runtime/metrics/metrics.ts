import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
  Summary,
  type SummaryConfiguration,
} from 'prom-client';

import { LatencyHistogram, type LatencyHistogramOptions } from './latencyHistogram';

const PERCENTILES = [0.5, 0.95, 0.99];

type Labels = Record<string, string | number | undefined>;

/** Seconds: 0.1 ms to 10 s, roughly three buckets per decade. */
const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

interface LabelledValue {
  labels: Labels;
  value: number;
}

interface SummaryValue {
  labels: Labels;
  count: number;
  sum: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** `GET /api/v1/metrics`: every metric by kind, summaries as count/sum/p50/p95/p99. */
export interface MetricsSnapshot {
  counters: Record<string, LabelledValue[]>;
  gauges: Record<string, LabelledValue[]>;
  summaries: Record<string, SummaryValue[]>;
}

/**
 * Prometheus' naming rules, enforced by the compiler: one namespace (`vigil_`), `_total` on
 * counters and only on them, base units (seconds and bytes, never `_ms`, `_kb`, `_mb`).
 * Checked at run time too, by promtool (test/runtime/metrics).
 */
type MetricName = `vigil_${string}`;
type CounterName = `vigil_${string}_total`;
type NotCounterName<N extends string> = N extends `${string}_total` ? never : BaseUnits<N>;
type BaseUnits<N extends string> =
  N extends `${string}_${'ms' | 'milliseconds' | 'kb' | 'mb' | 'gb'}${'' | `_${string}`}` ? never : N;
type Named<C, N extends string> = Omit<C, 'registers' | 'name'> & { name: N };

/**
 * Default Node.js metrics prom-client names `_total` though they are gauges (live handles,
 * requests, resources); their per-type gauges without the suffix stay, and sum to the same.
 */
const MISNAMED_DEFAULTS = ['active_handles_total', 'active_requests_total', 'active_resources_total'];

/**
 * The app's metrics registry (one per app, not prom-client's global default registry), with
 * helpers that fix the conventions: `vigil_` names, summaries over a sliding 10-minute window.
 */
export class Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(`vigil_nodejs_${name}`);
  }

  counter<L extends string, N extends CounterName>(
    config: Named<CounterConfiguration<L>, BaseUnits<N>>,
  ): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<L extends string, N extends MetricName>(
    config: Named<GaugeConfiguration<L>, NotCounterName<N>>,
  ): Gauge<L> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  /** A latency or size distribution reported as p50/p95/p99 over the last 10 minutes. */
  summary<L extends string, N extends MetricName>(
    config: Omit<Named<SummaryConfiguration<L>, NotCounterName<N>>, 'percentiles'>,
  ): Summary<L> {
    return new Summary({
      maxAgeSeconds: 600,
      ageBuckets: 5,
      ...config,
      percentiles: PERCENTILES,
      registers: [this.registry],
    });
  }

  /**
   * A latency on a hot path (per event, per frame): a histogram costs a bucket increment per
   * observation where a summary costs a t-digest insert, and this one allocates nothing. The
   * JSON snapshot estimates its p50/p95/p99 from the buckets. Buckets: 0.1 ms … 10 s.
   */
  histogram<N extends MetricName>(
    options: Omit<LatencyHistogramOptions, 'buckets' | 'name'> & { name: NotCounterName<N> },
  ): LatencyHistogram {
    const histogram = new LatencyHistogram({ buckets: LATENCY_BUCKETS, ...options });
    this.registry.registerMetric(histogram.asMetric());
    return histogram;
  }

  /** Prometheus text exposition for `GET /metrics`. */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const snapshot: MetricsSnapshot = { counters: {}, gauges: {}, summaries: {} };
    for (const metric of await this.registry.getMetricsAsJSON()) {
      const type = String(metric.type);
      if (type === 'counter') snapshot.counters[metric.name] = plainValues(metric);
      else if (type === 'gauge') snapshot.gauges[metric.name] = plainValues(metric);
      else if (type === 'summary') snapshot.summaries[metric.name] = summaryValues(metric);
      else if (type === 'histogram') snapshot.summaries[metric.name] = histogramValues(metric);
    }
    return snapshot;
  }
}

function plainValues(metric: MetricObjectWithValues<MetricValue<string>>): LabelledValue[] {
  return metric.values.map(({ labels, value }) => ({ labels: { ...labels }, value }));
}

/** prom-client lists a summary as one row per quantile plus _sum and _count rows; fold them per label set. */
function summaryValues(metric: MetricObjectWithValues<MetricValue<string>>): SummaryValue[] {
  const byLabels = new Map<string, SummaryValue>();
  for (const row of metric.values) {
    const { quantile, ...labels } = row.labels;
    const key = JSON.stringify(labels);
    const entry = byLabels.get(key) ?? { labels, count: 0, sum: 0, p50: null, p95: null, p99: null };
    byLabels.set(key, entry);
    const value = Number.isNaN(row.value) ? null : row.value;
    const metricName = (row as { metricName?: string }).metricName;
    if (metricName?.endsWith('_count')) entry.count = row.value;
    else if (metricName?.endsWith('_sum')) entry.sum = row.value;
    else if (quantile === 0.5) entry.p50 = value;
    else if (quantile === 0.95) entry.p95 = value;
    else if (quantile === 0.99) entry.p99 = value;
  }
  return [...byLabels.values()];
}

/** Folds histogram rows (cumulative `le` buckets, _sum, _count) per label set, estimating percentiles. */
function histogramValues(metric: MetricObjectWithValues<MetricValue<string>>): SummaryValue[] {
  const byLabels = new Map<string, { summary: SummaryValue; buckets: Array<[number, number]> }>();
  for (const row of metric.values) {
    const { le, ...labels } = row.labels;
    const key = JSON.stringify(labels);
    const entry = byLabels.get(key) ?? {
      summary: { labels, count: 0, sum: 0, p50: null, p95: null, p99: null },
      buckets: [],
    };
    byLabels.set(key, entry);
    const metricName = (row as { metricName?: string }).metricName;
    if (metricName?.endsWith('_count')) entry.summary.count = row.value;
    else if (metricName?.endsWith('_sum')) entry.summary.sum = row.value;
    else if (le !== undefined)
      entry.buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), row.value]);
  }
  return [...byLabels.values()].map(({ summary, buckets }) => ({
    ...summary,
    p50: quantileFromBuckets(buckets, summary.count, 0.5),
    p95: quantileFromBuckets(buckets, summary.count, 0.95),
    p99: quantileFromBuckets(buckets, summary.count, 0.99),
  }));
}

/** Linear interpolation inside the bucket holding the quantile, as Prometheus' histogram_quantile does. */
function quantileFromBuckets(buckets: Array<[number, number]>, count: number, q: number): number | null {
  if (count === 0) return null;
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const rank = q * count;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (!Number.isFinite(bound)) return previousBound;
      const inBucket = cumulative - previousCount;
      return inBucket === 0
        ? bound
        : previousBound + ((bound - previousBound) * (rank - previousCount)) / inBucket;
    }
    previousBound = bound;
    previousCount = cumulative;
  }
  return previousBound;
}
