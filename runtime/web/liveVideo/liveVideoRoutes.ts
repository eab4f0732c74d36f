import type { FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../../base/logger';
import { RequestError } from '../../../base/requestError';
import type { CameraConfig } from '../../config/schema/camera';
import { CameraLiveVideo, type ViewerLimits } from './cameraLiveVideo';
import { isCopyable } from './liveVideoArgs';
import { LIVE_CLOSE_CODES, type LiveVideoUnavailableMessage } from './liveVideoMessages';

/**
 * Per viewer: skip to the next keyframe past 1 MiB unsent (seconds of video at a camera's bit
 * rate, so only a viewer that really stalls skips), disconnect past 4 MiB or after 10 s of
 * skipping. Four viewers per camera: each is a socket's worth of copying, and a board's uplink
 * is the real limit.
 */
const DEFAULT_LIMITS: ViewerLimits = {
  maxViewers: 4,
  skipBytes: 1024 * 1024,
  dropBytes: 4 * 1024 * 1024,
  stalledMs: 10_000,
};

const MJPEG_ROUTE = '/api/v1/cameras/:camera/stream.mjpeg';

export interface LiveVideoDeps {
  /** `cameras`. */
  cameras: Record<string, CameraConfig>;
  logger: Logger;
  limits?: Partial<ViewerLimits>;
}

/**
 * `GET /api/v1/cameras/:camera/live`: the camera's live video over a WebSocket (see
 * liveVideoMessages.ts). Authenticated like every `/api/` route by the auth guard (session
 * cookie from the same origin, or bearer token) before the upgrade. The upgrade is dispatched
 * through fastify by the WebSocket plugin the live stream registers (it routes every upgrade
 * request); this route completes it with a `ws` server of its own, so its limits (tiny client
 * messages, no compression of video) are its own.
 */
export function registerLiveVideo(app: FastifyInstance, deps: LiveVideoDeps): void {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const logger = deps.logger.child({ component: 'live-video' });
  const streams = new Map<string, CameraLiveVideo>();
  for (const [name, camera] of Object.entries(deps.cameras)) {
    if (camera.enabled && isCopyable(camera.source))
      streams.set(name, new CameraLiveVideo(name, camera.source, limits, logger));
  }
  // Viewers send nothing the server reads; a large message is a misbehaving client.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false });

  app.addHook('preClose', async () => {
    await Promise.all([...streams.values()].map((stream) => stream.close()));
    wss.close();
  });

  app.get<{ Params: { camera: string } }>(
    '/api/v1/cameras/:camera/live',
    { schema: { hide: true } },
    async (request, reply) => {
      const { camera } = request.params;
      const config = deps.cameras[camera];
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
          reason: config.enabled
            ? `camera ${camera} (${config.source.driver}) delivers decoded frames, not a video stream to copy`
            : `camera ${camera} is disabled`,
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
