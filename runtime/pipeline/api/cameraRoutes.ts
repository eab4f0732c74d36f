import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { RequestError } from '../../../base/requestError';
import { type MotionConfig, MotionSchema } from '../../config/schema/camera';
import type { CameraStats, PipelineStats } from '../pipelineStats';
import type { MjpegHub } from './mjpegHub';
import { registerMjpegRoute } from './mjpegRoute';

/** `PATCH /api/v1/cameras/:camera`: run-time tuning, validated by the config's own motion schema. */
const CameraTuningSchema = Type.Object(
  {
    motion: Type.Optional(Type.Partial(MotionSchema, { additionalProperties: false })),
    detect: Type.Optional(Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false })),
  },
  { additionalProperties: false, minProperties: 1 },
);
type CameraTuning = Static<typeof CameraTuningSchema>;

/** One camera in `GET /api/v1/cameras`: its name and, once it runs, its figures. */
export type CameraView = { name: string } & Partial<CameraStats>;

export interface CameraRoutesSource {
  stats(): PipelineStats;
  cameraNames(): string[];
  /** The latest frame of a camera as JPEG, with boxes, labels and zones drawn; null before the first frame. */
  latestSnapshot(camera: string): Promise<Buffer | null>;
  /** Applies run-time tuning to a running camera; null when it is not running. */
  tune(camera: string, changes: { motion?: Partial<MotionConfig>; detectEnabled?: boolean }): unknown;
  /** The viewers of the cameras' MJPEG streams. */
  mjpeg: MjpegHub;
}

/** What the OpenAPI document says of the camera routes declared without other options. */
const LIST_CAMERAS = {
  schema: { summary: 'List the cameras with their state and tuning', operationId: 'listCameras' },
};
const LATEST_FRAME = { schema: { summary: 'The latest frame of a camera', operationId: 'getLatestFrame' } };

/**
 * `GET /api/v1/cameras` (each with its fps figures), `PATCH /api/v1/cameras/:camera`,
 * `GET /api/v1/cameras/:camera/latest.jpg` and `…/stream.mjpeg` (mjpegRoute.ts).
 * `/api/v1/stats` is the web server's (statsRoutes.ts).
 */
export function registerCameraRoutes(app: FastifyInstance, source: CameraRoutesSource): void {
  app.get('/api/v1/cameras', LIST_CAMERAS, async () => {
    const { cameras } = source.stats();
    return { cameras: source.cameraNames().map((name): CameraView => ({ name, ...cameras[name] })) };
  });

  const mustExist = (camera: string) => {
    if (!source.cameraNames().includes(camera))
      throw new RequestError(
        'not_found',
        `no camera '${camera}'; cameras: ${source.cameraNames().join(', ') || 'none'}`,
        'camera',
      );
  };

  app.patch<{ Params: { camera: string }; Body: CameraTuning }>(
    '/api/v1/cameras/:camera',
    {
      schema: {
        summary: 'Tune a camera at run time (motion, detection)',
        operationId: 'tuneCamera',
        body: CameraTuningSchema,
      },
    },
    async (request) => {
      const { camera } = request.params;
      mustExist(camera);
      const { motion, detect } = request.body;
      const applied = source.tune(camera, { motion, detectEnabled: detect?.enabled });
      if (applied === null) throw new RequestError('conflict', `camera '${camera}' is not running`, 'camera');
      return applied;
    },
  );

  app.get<{ Params: { camera: string } }>(
    '/api/v1/cameras/:camera/latest.jpg',
    LATEST_FRAME,
    async (request, reply) => {
      const { camera } = request.params;
      mustExist(camera);
      const jpeg = await source.latestSnapshot(camera);
      if (!jpeg)
        throw new RequestError('not_found', `camera '${camera}' has not delivered a frame yet`, 'camera');
      return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
    },
  );

  registerMjpegRoute(app, source.mjpeg, mustExist);
}
