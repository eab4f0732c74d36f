import type { FastifyInstance, FastifyRequest } from 'fastify';
import { redactUrlsDeep } from '../../../base/redact';
import type { BoardInfo } from '../../../hal/board/index';
import type { ServiceStatus } from '../../lifecycle/serviceRunner';

export interface HealthSource {
  version: string;
  device: { id: string; name: string };
  board: BoardInfo;
  startedAt: number;
  services: () => ServiceStatus[];
  /** Whether the request carries a login (the auth guard's verdict), which earns the full answer. */
  loggedIn: (request: FastifyRequest) => boolean;
}

/**
 * `GET /api/v1/health` without a login: enough for a monitor and the login screen, nothing an
 * intruder on the network could use (no alarm mode, no board, no service details or errors, which
 * may name cameras and addresses). The device's id and name stay: the id is the host name the
 * appliance announces over mDNS anyway, and the login screen shows the name so that whoever logs
 * in knows which appliance asks for the password.
 */
interface OpenHealth {
  /** ok, or the worst state a service is in: failed, stopping, starting. */
  status: string;
  version: string;
  device: { id: string; name: string };
  services: Array<{ name: string; state: 'up' | 'down' }>;
}

/** `GET /api/v1/health` with a login (session or token): everything, every URL redacted. */
export interface FullHealth {
  /** ok, degraded (every service runs, one cannot do its work), or the worst state a service is in: failed, stopping, starting. */
  status: string;
  version: string;
  device: { id: string; name: string };
  board: BoardInfo;
  uptime_seconds: number;
  /** Why a status of `degraded`: what each running service cannot do, and what to do about it. */
  degraded?: string[];
  services: ServiceStatus[];
}

/** `GET /api/v1/health`: the full answer is told apart by its `board`. */
export type HealthResponse = OpenHealth | FullHealth;

/** What the OpenAPI document says of health: open to anyone (`security: []`). */
const HEALTH_ROUTE = {
  schema: {
    summary: 'Whether every service runs (open; in full with a login)',
    operationId: 'getHealth',
    security: [],
  },
};

/**
 * `GET /api/v1/health`: open without login, for monitoring, then minimal ({@link OpenHealth});
 * with a login, the full status. 200 when every service runs and none is degraded, 503 otherwise, so a plain HTTP
 * check (Uptime Kuma, HA's REST sensor) sees trouble either way.
 */
export function registerHealthRoutes(app: FastifyInstance, source: HealthSource): void {
  app.get('/api/v1/health', HEALTH_ROUTE, async (request, reply) => {
    const services = source.services();
    const running = services.every((s) => s.state === 'running');
    // A running service may still say it cannot do its work (the data partition is full).
    const degraded = services.flatMap((s) =>
      typeof s.detail?.degraded === 'string' ? [`${s.name}: ${s.detail.degraded}`] : [],
    );
    const healthy = running && degraded.length === 0;
    const status = healthy ? 'ok' : running ? 'degraded' : overallState(services);
    const body: HealthResponse = !source.loggedIn(request)
      ? {
          status,
          version: source.version,
          device: source.device,
          services: services.map((s) => ({ name: s.name, state: s.state === 'running' ? 'up' : 'down' })),
        }
      : {
          status,
          version: source.version,
          device: source.device,
          board: source.board,
          uptime_seconds: Math.round((Date.now() - source.startedAt) / 1000),
          ...(degraded.length > 0 ? { degraded } : {}),
          // Service details quote broker and camera URLs and errors: never their credentials.
          services: redactUrlsDeep(services),
        };
    return reply.code(healthy ? 200 : 503).send(body);
  });
}

function overallState(services: ServiceStatus[]): string {
  if (services.some((s) => s.state === 'failed')) return 'failed';
  if (services.some((s) => s.state === 'stopping' || s.state === 'stopped')) return 'stopping';
  return 'starting';
}
