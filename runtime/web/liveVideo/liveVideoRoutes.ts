import type { FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import { RequestError } from '../../../base/requestError';
import type { CameraConfig } from '../../config/schema/camera';
import { LIVE_CLOSE_CODES, type LiveVideoUnavailableMessage } from './liveVideoMessages';
import type { LiveVideoStreams } from './liveVideoStreams';

const MJPEG_ROUTE = '/api/v1/cameras/:camera/stream.mjpeg';

/**
 * `GET /api/v1/cameras/:camera/live`: the camera's live video over a WebSocket (see
 * liveVideoMessages.ts). Authenticated like every `/api/` route by the auth guard (session
 * cookie from the same origin, or bearer token) before the upgrade. The upgrade is dispatched
 * through fastify by the WebSocket plugin the live stream registers (it routes every upgrade
 * request); this route completes it with a `ws` server of its own, so its limits (tiny client
 * messages, no compression of video) are its own.
 */
export function registerLiveVideo(
  app: FastifyInstance,
  cameras: Record<string, CameraConfig>,
  streams: LiveVideoStreams,
): void {
  const { limits } = streams;
  // Viewers send nothing the server reads; a large message is a misbehaving client.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });

  app.addHook('preClose', async () => {
    await streams.close();
    wss.close();
  });

  app.get<{ Params: { camera: string } }>(
    '/api/v1/cameras/:camera/live',
    { schema: { hide: true } },
    async (request, reply) => {
      const { camera } = request.params;
      const config = cameras[camera];
      if (config === undefined)
        throw new RequestError('not_found', `no camera named ${camera}: see GET /api/v1/cameras`, 'camera');
      if (!isWebSocketUpgrade(request.headers))
        throw new RequestError('invalid', 'open this URL as a WebSocket (Upgrade: websocket)', 'upgrade');
      const stream = streams.get(camera);
      if (stream?.full) {
        reply.header('retry-after', '5');
        throw new RequestError(
          'unavailable',
          `${limits.maxViewers} viewers are watching camera ${camera} already; try again later`,
          'camera',
        );
      }
      reply.hijack();
      wss.handleUpgrade(request.raw, request.raw.socket, Buffer.alloc(0), (socket: WebSocket) => {
        socket.on('message', () => {
          // Nothing to read: viewers only watch.
        });
        if (stream !== undefined) {
          stream.add(socket);
          return;
        }
        const unavailable: LiveVideoUnavailableMessage = {
          type: 'unavailable',
          reason: `camera ${camera} is disabled`,
          fallback: app.hasRoute({ method: 'GET', url: MJPEG_ROUTE }) ? 'mjpeg' : 'still',
        };
        socket.send(JSON.stringify(unavailable));
        socket.close(LIVE_CLOSE_CODES.unavailable, 'no live video');
      });
    },
  );
}

/** Headers with which Node hands the request over as an upgrade (it then owns no response). */
function isWebSocketUpgrade(headers: { upgrade?: string; connection?: string }): boolean {
  const connection = (headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((token) => token.trim());
  return (headers.upgrade ?? '').toLowerCase() === 'websocket' && connection.includes('upgrade');
}
