import type { FastifyInstance } from 'fastify';
import type { BoardInfo } from '../../../hal/board/index';
import type { ServiceStatus } from '../../lifecycle/serviceRunner';

export interface HealthSource {
  version: string;
  device: { id: string; name: string };
  board: BoardInfo;
  startedAt: number;
  services: () => ServiceStatus[];
}

/** `GET /api/v1/health`. */
export interface HealthResponse {
  /** ok, or the worst state a service is in: failed, stopping, starting. */
  status: string;
  version: string;
  device: { id: string; name: string };
  board: BoardInfo;
  uptime_seconds: number;
  services: ServiceStatus[];
}

/**
 * `GET /api/v1/health`: open without login, for monitoring. 200 when every service runs,
 * 503 otherwise, so a plain HTTP check (Uptime Kuma, HA's REST sensor) sees trouble.
 */
export function registerHealthRoutes(app: FastifyInstance, source: HealthSource): void {
  app.get('/api/v1/health', async (_request, reply) => {
    const services = source.services();
    const healthy = services.every((s) => s.state === 'running');
    const body: HealthResponse = {
      status: healthy ? 'ok' : overallState(services),
      version: source.version,
      device: source.device,
      board: source.board,
      uptime_seconds: Math.round((Date.now() - source.startedAt) / 1000),
      services,
    };
    return reply.code(healthy ? 200 : 503).send(body);
  });
}

function overallState(services: ServiceStatus[]): string {
  if (services.some((s) => s.state === 'failed')) return 'failed';
  if (services.some((s) => s.state === 'stopping' || s.state === 'stopped')) return 'stopping';
  return 'starting';
}
