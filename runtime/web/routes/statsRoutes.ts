import type { FastifyInstance } from 'fastify';
import type { BoardInfo } from '../../../hal/board/index';
import { readThrottling } from '../../../hal/board/throttling';
import type { PipelineStats } from '../../pipeline/pipelineStats';
import { CachedDeviceFigures } from '../../system/deviceFigures';
import type { StatsResponse } from './statsResponse';

export interface StatsSource {
  pipeline: { stats(): PipelineStats };
  board: BoardInfo;
  dataDir: string;
}

/** What the OpenAPI document says of the stats route. */
const STATS_ROUTE = {
  schema: {
    tags: ['status'],
    summary: 'Cameras, detectors and the board, in figures',
    operationId: 'getStats',
  },
};

/**
 * `GET /api/v1/stats`, Frigate's /api/stats shape: per camera camera_fps, process_fps,
 * skipped_fps, detection_fps; per detector inference_speed; and `service` with uptime,
 * version and how the board is doing (temperature, throttling, load, memory, disk).
 */
export function registerStatsRoutes(app: FastifyInstance, source: StatsSource): void {
  const figures = new CachedDeviceFigures(source.dataDir);
  app.get('/api/v1/stats', STATS_ROUTE, async (): Promise<StatsResponse> => {
    const stats = source.pipeline.stats();
    const device = await figures.read();
    const throttling = readThrottling();
    return {
      ...stats,
      service: {
        ...stats.service,
        uptime_seconds: stats.service.uptime,
        ...device,
        cpu_throttled: throttling?.active ?? null,
        throttle_flags: throttling?.flags ?? null,
        board: { model: source.board.model, arch: source.board.arch },
      },
    };
  });
}
