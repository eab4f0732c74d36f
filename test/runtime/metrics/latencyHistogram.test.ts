import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from '../../../runtime/metrics/latencyHistogram';
import { Metrics } from '../../../runtime/metrics/metrics';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const VALUES = [0.0005, 0.001, 0.002, 0.05, 0.05, 0.5, 3, 12];

describe('latency histogram', () => {
  test("renders exactly like prom-client's own histogram for the same observations", async () => {
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'stage_seconds',
      help: 'Time per stage',
      labelNames: ['stage'],
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const histogram = new LatencyHistogram({
      name: 'stage_seconds',
      help: 'Time per stage',
      labelName: 'stage',
      buckets: BUCKETS,
    });
    ours.registerMetric(histogram.asMetric());
    for (const [i, value] of VALUES.entries()) {
      const stage = i % 3 === 0 ? 'persist' : 'validate';
      reference.observe({ stage }, value);
      histogram.series(stage).observe(value);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  test('without a label, and ignoring values that are not numbers', async () => {
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'ack_seconds',
      help: 'h',
      buckets: BUCKETS,
      registers: [theirs],
    });
    const ours = new Registry();
    const histogram = new LatencyHistogram({ name: 'ack_seconds', help: 'h', buckets: BUCKETS });
    ours.registerMetric(histogram.asMetric());
    for (const value of VALUES) {
      reference.observe(value);
      histogram.observe(value);
    }
    histogram.observe(Number.NaN);
    histogram.observe(Number.POSITIVE_INFINITY);
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  test("the app's JSON snapshot estimates percentiles from it", async () => {
    const metrics = new Metrics();
    const histogram = metrics.histogram({ name: 'vigil_x_seconds', help: 'x', labelName: 'stage' });
    for (let i = 1; i <= 100; i++) histogram.series('a').observe(i / 10_000);
    const [series] = (await metrics.snapshot()).summaries.vigil_x_seconds ?? [];
    assert.equal(series?.count, 100);
    assert.deepEqual(series?.labels, { stage: 'a' });
    assert.ok(
      series?.p50 !== null && (series?.p50 ?? 0) > 0.0025 && (series?.p50 ?? 1) <= 0.01,
      String(series?.p50),
    );
  });
});
