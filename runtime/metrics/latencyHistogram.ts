import type { Metric } from 'prom-client';

/** What prom-client's registry reads from a metric (its own histograms give the same shape). */
export interface HistogramRows {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }>;
}

/** One label set's counts: per bucket (not cumulative; the last slot is above every bound). */
export class LatencySeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly #bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: Record<string, string>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value (seconds); a value that is not a finite number is ignored. */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let slot = 0;
    while (slot < this.#bounds.length && value > (this.#bounds[slot] as number)) slot++;
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }
}

export interface LatencyHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds of the buckets, ascending. */
  buckets: readonly number[];
  /** The one label that tells series apart (e.g. stage); none for a single series. */
  labelName?: string;
}

/**
 * A Prometheus histogram for per-event latencies whose `observe` allocates nothing: prom-client's
 * builds a label object, a closure and a hash string per call, which at 20,000 events/s is a good
 * part of the garbage the event path makes. It sits in the app's prom-client registry and is
 * exposed like prom-client's histograms: cumulative `le` buckets, `_sum` and `_count`.
 */
export class LatencyHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #options: LatencyHistogramOptions;
  readonly #series = new Map<string, LatencySeries>();

  constructor(options: LatencyHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.#options = options;
  }

  /** The series of one label value (created on first use): keep it to observe into. */
  series(labelValue: string): LatencySeries {
    let series = this.#series.get(labelValue);
    if (!series) {
      const { labelName, buckets } = this.#options;
      series = new LatencySeries(labelName === undefined ? {} : { [labelName]: labelValue }, buckets);
      this.#series.set(labelValue, series);
    }
    return series;
  }

  /** Records one value in the histogram without labels. */
  observe(value: number): void {
    this.series('').observe(value);
  }

  /** The rows prom-client's registry renders (text and JSON), in its own histogram layout. */
  async get(): Promise<HistogramRows> {
    const values: HistogramRows['values'] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.#series.values()) {
      let cumulative = 0;
      this.#options.buckets.forEach((bound, i) => {
        cumulative += series.counts[i] ?? 0;
        values.push({ metricName: bucketName, labels: { le: bound, ...series.labels }, value: cumulative });
      });
      values.push(
        { metricName: bucketName, labels: { le: '+Inf', ...series.labels }, value: series.count },
        { metricName: `${this.name}_sum`, labels: { ...series.labels }, value: series.sum },
        { metricName: `${this.name}_count`, labels: { ...series.labels }, value: series.count },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }

  /** For `Registry.registerMetric`, which is typed for prom-client's own classes. */
  asMetric(): Metric {
    return this as unknown as Metric;
  }
}
