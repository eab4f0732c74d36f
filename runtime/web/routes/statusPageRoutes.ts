import type { FastifyInstance } from 'fastify';
import { STATUS_PAGE_CSS, STATUS_PAGE_HTML } from '../statusPage/page';
import { STATUS_PAGE_SCRIPT } from '../statusPage/script';

/** `/` and its two assets, embedded in the bundle so the page works offline and without files on disk. */
export function registerStatusPageRoutes(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(STATUS_PAGE_HTML));
  app.get('/assets/status.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(STATUS_PAGE_SCRIPT),
  );
  app.get('/assets/status.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(STATUS_PAGE_CSS),
  );
}
