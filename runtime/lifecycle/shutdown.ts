import type { Logger } from '../../base/logger';
import type { SdNotifier } from './sdNotify';
import type { ServiceRunner, StopReport } from './serviceRunner';

export interface ShutdownOptions {
  runner: ServiceRunner;
  notifier: SdNotifier;
  logger: Logger;
  /** Whole graceful shutdown budget (config `shutdown.timeout_seconds`). */
  budgetMs: number;
}

/**
 * The one shutdown path: SIGTERM, SIGINT, a failed start and `vigil run` returning all end here.
 * Calling it again returns the same promise, so a second trigger never runs a second shutdown.
 */
export class GracefulShutdown {
  readonly #options: ShutdownOptions;
  #result: Promise<{ exitCode: number; report: StopReport }> | undefined;

  constructor(options: ShutdownOptions) {
    this.#options = options;
  }

  get started(): boolean {
    return this.#result !== undefined;
  }

  run(reason: string): Promise<{ exitCode: number; report: StopReport }> {
    this.#result ??= this.#run(reason);
    return this.#result;
  }

  async #run(reason: string): Promise<{ exitCode: number; report: StopReport }> {
    const { runner, notifier, logger, budgetMs } = this.#options;
    logger.info({ reason, budgetMs }, 'shutting down');
    notifier.stopping(`stopping (${reason})`);
    const startedAt = performance.now();
    const report = await runner.stopAll(budgetMs);
    notifier.close();
    const exitCode = report.clean ? 0 : 1;
    const ms = Math.round(performance.now() - startedAt);
    if (report.clean) logger.info({ ms, order: report.order }, 'shutdown complete');
    else
      logger.error({ ms, timedOut: report.timedOut, failed: report.failed }, 'shutdown finished with errors');
    return { exitCode, report };
  }
}

export interface ProcessHooks {
  shutdown: GracefulShutdown;
  logger: Logger;
  /** Graceful budget; the process is forced out shortly after it even if a stop hangs past its timeout. */
  budgetMs: number;
  exit: (code: number) => void;
}

/**
 * SIGTERM/SIGINT → graceful shutdown then exit with its code; a second signal exits at once.
 * uncaughtException/unhandledRejection → log and exit 1 (crash-only: systemd restarts us and
 * in-flight work resumes from the database). Returns a function that removes the handlers.
 */
export function installProcessHooks(hooks: ProcessHooks): () => void {
  const { shutdown, logger, exit } = hooks;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.started) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      exit(1);
      return;
    }
    const force = setTimeout(() => {
      logger.error({ budgetMs: hooks.budgetMs }, 'shutdown exceeded its budget: exiting now');
      exit(1);
    }, hooks.budgetMs + 1000);
    force.unref();
    void shutdown.run(signal).then(({ exitCode }) => exit(exitCode));
  };
  const onFatal = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, `${kind}: exiting`);
    exit(1);
  };
  const onException = onFatal('uncaught exception');
  const onRejection = onFatal('unhandled promise rejection');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
