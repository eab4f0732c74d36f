import type { Logger } from '../../base/logger';
import { redactUrlsInText } from '../../base/redact';
import type { Service, ServiceState } from './service';

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** Epoch ms of the last state change. */
  since: number;
  error?: string;
  detail?: Record<string, unknown>;
}

export interface StopReport {
  /** Every started service stopped within its time. */
  clean: boolean;
  /** Service names in the order their stop was attempted. */
  order: string[];
  timedOut: string[];
  failed: string[];
}

export interface ServiceRunnerOptions {
  logger: Logger;
  /** Upper bound for one service's stop. */
  serviceStopMs: number;
  onStateChange?: (status: ServiceStatus) => void;
}

/**
 * Starts services in declared order and stops them in reverse, each stop raced against a
 * timeout so one hung service cannot hold the whole appliance (Node-RED's `stopNode` pattern).
 */
export class ServiceRunner {
  readonly #services: readonly Service[];
  readonly #options: ServiceRunnerOptions;
  readonly #status = new Map<string, ServiceStatus>();
  #stopRequested = false;

  constructor(services: readonly Service[], options: ServiceRunnerOptions) {
    const names = services.map((s) => s.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new Error(`service '${duplicate}' is declared twice`);
    this.#services = services;
    this.#options = options;
    for (const service of services)
      this.#status.set(service.name, { name: service.name, state: 'idle', since: Date.now() });
  }

  /**
   * Starts every service in order. If one fails, the ones already started are stopped again
   * (in reverse) and the error is rethrown naming the service.
   */
  async startAll(): Promise<void> {
    for (const service of this.#services) {
      if (this.#stopRequested) return;
      this.#setState(service, 'starting');
      const startedAt = performance.now();
      try {
        await service.start();
      } catch (err) {
        this.#setState(service, 'failed', err);
        this.#options.logger.error({ err, service: service.name }, 'service failed to start');
        await this.stopAll(this.#options.serviceStopMs * this.#services.length);
        throw new Error(`service '${service.name}' failed to start: ${errorMessage(err)}`, { cause: err });
      }
      this.#setState(service, 'running');
      this.#options.logger.info(
        { service: service.name, ms: Math.round(performance.now() - startedAt) },
        'service started',
      );
    }
  }

  /** Stops started services in reverse order within `budgetMs` overall; never throws. */
  async stopAll(budgetMs: number): Promise<StopReport> {
    this.#stopRequested = true;
    const deadline = performance.now() + budgetMs;
    const report: StopReport = { clean: true, order: [], timedOut: [], failed: [] };
    for (const service of [...this.#services].reverse()) {
      const state = this.#status.get(service.name)?.state;
      if (state === 'idle' || state === 'stopped') continue;
      report.order.push(service.name);
      const limitMs = Math.max(0, Math.min(this.#options.serviceStopMs, deadline - performance.now()));
      this.#setState(service, 'stopping');
      const outcome = await stopWithin(service, limitMs);
      if (outcome === 'ok') {
        this.#setState(service, 'stopped');
        this.#options.logger.info({ service: service.name }, 'service stopped');
        continue;
      }
      report.clean = false;
      if (outcome === 'timeout') {
        report.timedOut.push(service.name);
        this.#setState(service, 'failed', new Error(`stop timed out after ${Math.round(limitMs)} ms`));
        this.#options.logger.error(
          { service: service.name, limitMs: Math.round(limitMs) },
          'service stop timed out',
        );
      } else {
        report.failed.push(service.name);
        this.#setState(service, 'failed', outcome.error);
        this.#options.logger.error({ err: outcome.error, service: service.name }, 'service failed to stop');
      }
    }
    return report;
  }

  /** Current status of every declared service, in start order, with each service's own detail. */
  statuses(): ServiceStatus[] {
    return this.#services.map((service) => {
      const status = this.#status.get(service.name) as ServiceStatus;
      const detail = status.state === 'running' ? safeHealth(service) : undefined;
      return detail ? { ...status, detail } : { ...status };
    });
  }

  #setState(service: Service, state: ServiceState, err?: unknown): void {
    const status: ServiceStatus = { name: service.name, state, since: Date.now() };
    // Shown by health and sent on the bus: an error may quote a URL with its credentials.
    if (err !== undefined) status.error = redactUrlsInText(errorMessage(err));
    this.#status.set(service.name, status);
    this.#options.onStateChange?.(status);
  }
}

type StopOutcome = 'ok' | 'timeout' | { error: unknown };

async function stopWithin(service: Service, limitMs: number): Promise<StopOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<StopOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limitMs);
  });
  const stop = service.stop().then(
    (): StopOutcome => 'ok',
    (error: unknown): StopOutcome => ({ error }),
  );
  try {
    return await Promise.race([stop, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function safeHealth(service: Service): Record<string, unknown> | undefined {
  try {
    return service.health?.();
  } catch (err) {
    return { health_error: errorMessage(err) };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
