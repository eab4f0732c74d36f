import type { FastifyInstance } from 'fastify';
import { type Config, redactSecrets } from '../../config/index';
import type { RecentProblems } from '../../logging/recentProblems';

/**
 * `GET /api/v1/errors`: the last warnings and errors logged (newest first), for the status page.
 * `GET /api/v1/config`: the running config, every secret (passwords, tokens, keys) redacted.
 */
export function registerSystemRoutes(
  app: FastifyInstance,
  source: { config: Config; problems: RecentProblems },
): void {
  const redacted = redactSecrets(source.config);
  app.get(
    '/api/v1/errors',
    {
      schema: {
        tags: ['status'],
        summary: 'Recent errors and warnings from the log',
        operationId: 'listErrors',
      },
    },
    async () => ({
      errors: source.problems.list(),
    }),
  );
  app.get(
    '/api/v1/config',
    {
      schema: { tags: ['status'], summary: 'The running config, secrets redacted', operationId: 'getConfig' },
    },
    async () => redacted,
  );
}
