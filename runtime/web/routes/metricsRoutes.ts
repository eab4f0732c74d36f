import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics/metrics';

/** What the OpenAPI document says of the two metrics routes. */
const JSON_METRICS = { schema: { summary: 'Metrics as JSON, with percentiles', operationId: 'getMetrics' } };
const PROMETHEUS_METRICS = {
  schema: { summary: 'Metrics in the Prometheus text format', operationId: 'getPrometheusMetrics' },
};

/** `GET /api/v1/metrics` (JSON with percentiles) and `GET /metrics` (Prometheus text). */
export function registerMetricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get('/api/v1/metrics', JSON_METRICS, async () => metrics.snapshot());
  app.get('/metrics', PROMETHEUS_METRICS, async (_request, reply) => {
    return reply.type(metrics.contentType).send(await metrics.prometheus());
  });
}
