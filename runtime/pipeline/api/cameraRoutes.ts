import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../web/httpErrors';
import type { PipelineStats } from '../pipelineStats';

export interface CameraRoutesSource {
  stats(): PipelineStats;
  cameraNames(): string[];
  /** The latest frame of a camera as JPEG, with boxes, labels and zones drawn; null before the first frame. */
  latestSnapshot(camera: string): Promise<Buffer | null>;
}

/**
 * `GET /api/v1/stats` (Frigate's /api/stats shape: per camera camera_fps, process_fps,
 * skipped_fps, detection_fps; per detector inference_speed), `GET /api/v1/cameras` and
 * `GET /api/v1/cameras/:camera/latest.jpg`.
 */
export function registerCameraRoutes(app: FastifyInstance, source: CameraRoutesSource): void {
  app.get('/api/v1/stats', async () => source.stats());

  app.get('/api/v1/cameras', async () => {
    const { cameras } = source.stats();
    return { cameras: source.cameraNames().map((name) => ({ name, ...cameras[name] })) };
  });

  app.get<{ Params: { camera: string } }>('/api/v1/cameras/:camera/latest.jpg', async (request, reply) => {
    const { camera } = request.params;
    if (!source.cameraNames().includes(camera))
      throw new HttpError(
        404,
        `no camera '${camera}'; cameras: ${source.cameraNames().join(', ') || 'none'}`,
        'camera',
      );
    const jpeg = await source.latestSnapshot(camera);
    if (!jpeg) throw new HttpError(404, `camera '${camera}' has not delivered a frame yet`, 'camera');
    return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
  });
}
