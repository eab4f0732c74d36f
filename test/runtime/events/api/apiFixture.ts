import { after } from 'node:test';
import { registerIncidentRoutes } from '../../../../runtime/events/api/incidentRoutes';
import { registerQueryRoutes } from '../../../../runtime/events/api/queryRoutes';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { IncidentActions } from '../../../../runtime/events/queries/incidentActions';
import { Metrics } from '../../../../runtime/metrics/metrics';
import { WebServer } from '../../../../runtime/web/webServer';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { freshStore } from '../queries/eventStoreFixture';

/**
 * A real web server on a free port with the query and incident routes over a fresh database.
 * Call it in a `describe` body (not a hook) so its clean-up registers on the suite, then `await start()`.
 */
export function createApi() {
  const { db, writer } = freshStore();
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 64 * 1024,
    logger: memoryLogger().logger,
    metrics: new Metrics(),
  });
  const queries = new EventQueries({ db, timeZone: 'UTC' });
  registerQueryRoutes(server.app, { queries });
  registerIncidentRoutes(server.app, { queries, actions: new IncidentActions({ writer }) });
  after(() => server.stop());
  let base = '';
  async function start(): Promise<void> {
    await server.start();
    base = server.address ?? '';
  }

  /** GET or POST a path; returns status and parsed JSON body. */
  async function call(path: string, init?: { method?: string; body?: unknown; rawBody?: string }) {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (init?.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    } else if (init?.rawBody !== undefined) {
      headers['content-type'] = 'application/json';
      body = init.rawBody;
    }
    const response = await fetch(`${base}${path}`, { method: init?.method ?? 'GET', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  return { db, call, start };
}
