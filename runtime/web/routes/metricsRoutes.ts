import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../metrics/metrics';

/** `GET /api/v1/metrics` (JSON with percentiles) and `GET /metrics` (Prometheus text). */
export function registerMetricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.get(
    '/api/v1/metrics',
    { schema: { summary: 'Metrics as JSON, with percentiles', operationId: 'getMetrics' } },
    async () => metrics.snapshot(),
  );
  app.get(
    '/metrics',
    { schema: { summary: 'Metrics in the Prometheus text format', operationId: 'getPrometheusMetrics' } },
    async (_request, reply) => {
      return reply.type(metrics.contentType).send(await metrics.prometheus());
    },
  );
}
