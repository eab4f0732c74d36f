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

const PERCENTILES = [0.5, 0.95, 0.99];

type Labels = Record<string, string | number | undefined>;

export interface LabelledValue {
  labels: Labels;
  value: number;
}

export interface SummaryValue {
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
 * The app's metrics registry (one per app, not prom-client's global default registry), with
 * helpers that fix the conventions: `vigil_` names, summaries over a sliding 10-minute window.
 */
export class Metrics {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  /** A latency or size distribution reported as p50/p95/p99 over the last 10 minutes. */
  summary<L extends string>(config: Omit<SummaryConfiguration<L>, 'registers' | 'percentiles'>): Summary<L> {
    return new Summary({
      maxAgeSeconds: 600,
      ageBuckets: 5,
      ...config,
      percentiles: PERCENTILES,
      registers: [this.registry],
    });
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
