import websocket from '@fastify/websocket';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../../base/logger';
import type { Bus } from '../../bus/eventBus';
import type { Unsubscribe } from '../../bus/types';
import type { HttpConfig } from '../../config/schema/http';
import type { EventTopics } from '../../events/eventTopics';
import type { Metrics } from '../../metrics/metrics';
import { feedFromBus } from './busFeed';
import { storedEventViews } from './eventViews';
import { LiveStreamHub, resumeRequest } from './liveStreamHub';
import type { LiveStreamTopics } from './streamMessages';

/** Largest message a client may send (they are ignored anyway); more closes its connection. */
const MAX_CLIENT_MESSAGE_BYTES = 4096;

export interface LiveStreamDeps {
  /** `http.stream`. */
  config: HttpConfig['stream'];
  bus: Bus<EventTopics & LiveStreamTopics>;
  /** The open database (read when an event is streamed, so after the store started). */
  db: () => Database;
  metrics: Metrics;
  logger: Logger;
}

/**
 * `GET /api/v1/ws`, the live stream (see streamMessages.ts for the messages). Registers the
 * WebSocket plugin and the route in a scope of their own, so it works whatever the root does
 * around it; the bus is subscribed once the server is ready and released when it closes.
 */
export function registerLiveStream(app: FastifyInstance, deps: LiveStreamDeps): LiveStreamHub {
  const { config, logger } = deps;
  const hub = new LiveStreamHub({
    maxClients: config.max_clients,
    clientBufferBytes: config.client_buffer_kb * 1024,
    replayMessages: config.replay_messages,
    replayBytes: config.replay_kb * 1024,
    metrics: deps.metrics,
    logger,
  });
  let unsubscribe: Unsubscribe | undefined;
  app.register(async (scope) => {
    await scope.register(websocket, {
      options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false },
      errorHandler: (err, socket) => {
        // A client that sends an oversized or malformed frame, or resets its connection.
        logger.debug({ err }, 'live stream client error: connection closed');
        socket.terminate();
      },
    });
    scope.addHook('onReady', async () => {
      unsubscribe = feedFromBus(deps.bus, hub, storedEventViews(deps.db, logger));
    });
    scope.addHook('preClose', async () => {
      unsubscribe?.();
      hub.close();
    });
    scope.get(
      '/api/v1/ws',
      {
        websocket: true,
        // Refused before the upgrade when possible; connect() still refuses (1013) one that raced in.
        preHandler: async (_request, reply) => {
          if (!hub.full) return;
          hub.recordRefusal();
          return reply
            .code(503)
            .header('retry-after', '5')
            .send({
              error: `too many live stream clients (http.stream.max_clients is ${config.max_clients})`,
            });
        },
      },
      (socket, request) => {
        hub.connect(socket, resumeRequest(request.query));
      },
    );
  });
  return hub;
}
