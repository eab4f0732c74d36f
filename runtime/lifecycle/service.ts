/** Where a service is in its life; reported by `/api/v1/health` and on the bus. */
export type ServiceState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * A long-lived part of the appliance (database, web server, camera, MQTT link…).
 * The composition root declares services in start order; they are stopped in reverse.
 */
export interface Service {
  /** Stable name used in logs, health output and metrics, e.g. `store` or `web`. */
  readonly name: string;
  /** Brings the service up; it is `running` once this resolves. Throwing aborts the start of the app. */
  start(): Promise<void>;
  /** Releases everything `start` acquired. Must be safe to call after a failed or partial start. */
  stop(): Promise<void>;
  /** Optional detail for health output (e.g. a connection state, a backlog size). */
  health?(): Record<string, unknown>;
}
