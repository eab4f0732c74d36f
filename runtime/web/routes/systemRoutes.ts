import type { FastifyInstance } from 'fastify';
import { type Config, redactSecrets } from '../../config/index';
import type { RecentProblems } from '../../logging/recentProblems';

/** What the OpenAPI document says of the errors and config routes. */
const ERRORS_ROUTE = {
  schema: { tags: ['status'], summary: 'Recent errors and warnings from the log', operationId: 'listErrors' },
};
const CONFIG_ROUTE = {
  schema: { tags: ['status'], summary: 'The running config, secrets redacted', operationId: 'getConfig' },
};

/**
 * `GET /api/v1/errors`: the last warnings and errors logged (newest first), for the status page.
 * `GET /api/v1/config`: the running config, every secret (passwords, tokens, keys) redacted.
 */
export function registerSystemRoutes(
  app: FastifyInstance,
  source: { config: Config; problems: RecentProblems },
): void {
  const redacted = redactSecrets(source.config);
  app.get('/api/v1/errors', ERRORS_ROUTE, async () => ({
    errors: source.problems.list(),
  }));
  app.get('/api/v1/config', CONFIG_ROUTE, async () => redacted);
}
