import type { Logger } from '../base/logger';
import { VERSION } from '../base/version';
import { type BoardDetails, probeBoardDetails } from '../hal/board/accelerators';
import type { Config } from './config/schema/index';
import { SdNotifier } from './lifecycle/sdNotify';
import type { Service } from './lifecycle/service';
import { ServiceRunner, type ServiceStatus } from './lifecycle/serviceRunner';
import { GracefulShutdown, installProcessHooks } from './lifecycle/shutdown';
import { LoggerFactory, type LoggerOptions } from './logging/logger';
import { Metrics } from './metrics/metrics';
import type { Migration } from './store/migrations/index';
import { StoreService } from './store/storeService';
import { ClockWatch } from './system/clockWatch';
import { identityOf, installAuthGuard } from './web/auth/authGuard';
import { registerAuthRoutes } from './web/auth/authRoutes';
import { AuthService } from './web/auth/authService';
import { registerHealthRoutes } from './web/routes/healthRoutes';
import { registerMetricsRoutes } from './web/routes/metricsRoutes';
import { WebServer } from './web/webServer';

/**
 * The composition skeleton every Vigil process shares, the appliance (`vigil run`, app.ts) and the
 * central server (`vigil central`, centralApp.ts): logging, metrics, the SQLite store, the web
 * server and its login (admin password, sessions, token, login limits), the services in their
 * start order, and the lifecycle around them (systemd notification, the one graceful shutdown,
 * process hooks). Each process adds its own services to the parts built here and hands them to
 * {@link assembleDaemon}.
 */

/** What every process is built from. */
export interface DaemonParts {
  readonly config: Config;
  readonly version: string;
  readonly startedAt: number;
  /** The wall clock's state (synchronised yet?) and its jumps; its `clock` is the one every part reads. */
  readonly clock: ClockWatch;
  /** The board and the accelerators on it. */
  readonly board: BoardDetails;
  readonly logging: LoggerFactory;
  readonly metrics: Metrics;
  readonly store: StoreService;
  readonly web: WebServer;
  /** The login guarding `web`; a service that starts right after the store holding its sessions. */
  readonly auth: AuthService;
}

export interface DaemonOptions {
  env: NodeJS.ProcessEnv;
  /** Where log lines go; stdout when absent. */
  logDestination?: LoggerOptions['destination'];
}

/** A built process: its parts, and its services ready to start in order. Nothing runs yet. */
export interface Daemon<P extends DaemonParts = DaemonParts> {
  readonly parts: P;
  readonly runner: ServiceRunner;
  readonly shutdown: GracefulShutdown;
  readonly notifier: SdNotifier;
}

/**
 * Logging, metrics, the store on `databaseFile` (with its migrations; they must include the
 * sessions table) and the web server with its plugins and the login guard installed, so routes
 * declared after this appear in the OpenAPI document and need a login.
 */
export async function buildDaemonParts(
  config: Config,
  store: { file: string; migrations?: readonly Migration[] },
  options: DaemonOptions,
): Promise<DaemonParts> {
  const logging = new LoggerFactory({
    level: config.log.level,
    modules: config.log.modules,
    destination: options.logDestination,
  });
  const metrics = new Metrics();
  const clock = new ClockWatch({
    syncFile: config.system.clock_sync_file,
    logger: logging.forModule('system'),
  });
  const storeService = new StoreService({
    file: store.file,
    version: VERSION,
    groupCommit: {
      maxBatch: config.storage.group_commit.max_batch,
      maxDelayMs: config.storage.group_commit.max_delay_ms,
    },
    logger: logging.forModule('store'),
    ...commitMetrics(metrics),
    ...(store.migrations ? { migrations: store.migrations } : {}),
  });
  const web = new WebServer({
    host: config.http.host,
    port: config.http.port,
    bodyLimitBytes: config.http.body_limit_kb * 1024,
    logger: logging.forModule('web'),
    metrics,
    tls: config.http.tls,
    redirectPort: config.http.redirect_port,
  });
  await web.installPlugins(VERSION);
  const authLogger = logging.forModule('auth');
  const auth = new AuthService({
    auth: config.http.auth,
    dataDir: config.data_dir,
    store: storeService,
    logger: authLogger,
    clock,
  });
  installAuthGuard(web.app, auth);
  registerAuthRoutes(web.app, {
    auth,
    attemptsPerMinute: config.http.auth.login_attempts_per_minute,
    limits: {
      failedPerMinute: config.http.auth.failed_logins_per_minute,
      backoffAfter: config.http.auth.backoff_after_failures,
      maxBackoffMs: config.http.auth.max_backoff_seconds * 1000,
    },
    logger: authLogger,
  });
  return {
    config,
    version: VERSION,
    startedAt: clock.clock.now(),
    clock,
    board: probeBoardDetails(),
    logging,
    metrics,
    store: storeService,
    web,
    auth,
  };
}

/**
 * The services in start order (stop order is the reverse), with `/api/v1/health` and `/metrics`
 * over them, systemd's notifier and the graceful shutdown. `onStateChange` hears every service's
 * state change after the runner has logged it.
 */
export function assembleDaemon<P extends DaemonParts>(
  parts: P,
  services: readonly Service[],
  options: {
    env: NodeJS.ProcessEnv;
    device: { id: string; name: string };
    onStateChange?: (status: ServiceStatus) => void;
  },
): Daemon<P> {
  const { config, logging, metrics, web } = parts;
  const logger = logging.forModule('lifecycle');
  const runner = new ServiceRunner([...services], {
    logger,
    serviceStopMs: config.shutdown.service_stop_seconds * 1000,
    ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
  });
  registerHealthRoutes(web.app, {
    version: parts.version,
    device: options.device,
    board: parts.board,
    startedAt: parts.startedAt,
    services: () => runner.statuses(),
    loggedIn: (request) => identityOf(request) !== null,
  });
  registerMetricsRoutes(web.app, metrics);
  registerServiceMetrics(metrics, runner, parts.version);
  const notifier = new SdNotifier(options.env, logger);
  const shutdown = new GracefulShutdown({
    runner,
    notifier,
    logger,
    budgetMs: config.shutdown.timeout_seconds * 1000,
  });
  return { parts, runner, shutdown, notifier };
}

/**
 * Runs a built process: process hooks (signals, uncaught errors → the one shutdown), every
 * service started in order, READY=1 to systemd, then lives until a signal ends it. Returns 1 when
 * it could not start.
 */
export async function runDaemon(
  daemon: Daemon,
  options: {
    name: string;
    /** What the web server serves, for the running message: `status page`, `API`. */
    serves: string;
    logger: Logger;
    running: () => Record<string, unknown>;
  },
): Promise<number> {
  const { parts, runner, shutdown, notifier } = daemon;
  const { name, logger } = options;
  installProcessHooks({
    shutdown,
    logger,
    budgetMs: parts.config.shutdown.timeout_seconds * 1000,
    exit: (code) => {
      parts.logging.flush();
      process.exit(code);
    },
  });
  try {
    await runner.startAll();
  } catch (err) {
    logger.fatal({ err }, `${name} could not start`);
    await shutdown.run('startup failed');
    return 1;
  }
  notifier.ready();
  const address = parts.web.address;
  logger.info(
    { address: address ?? null, ...options.running() },
    `${name} is running${address ? `: ${options.serves} on ${address.replace('0.0.0.0', 'localhost')}` : ''}`,
  );
  // From here the process lives until SIGTERM/SIGINT runs the graceful shutdown, which exits.
  return new Promise<number>(() => {});
}

function commitMetrics(metrics: Metrics): { onCommit: (batchSize: number, commitMs: number) => void } {
  const commitSeconds = metrics.summary({
    name: 'vigil_db_commit_seconds',
    help: 'Duration of one group commit (with fsync)',
  });
  const batchSize = metrics.summary({ name: 'vigil_db_commit_batch_size', help: 'Writes per group commit' });
  return {
    onCommit: (size, ms) => {
      commitSeconds.observe(ms / 1000);
      batchSize.observe(size);
    },
  };
}

function registerServiceMetrics(metrics: Metrics, runner: ServiceRunner, version: string): void {
  metrics.gauge({
    name: 'vigil_service_up',
    help: '1 when the service is running, 0 otherwise',
    labelNames: ['service'],
    collect() {
      for (const status of runner.statuses())
        this.set({ service: status.name }, status.state === 'running' ? 1 : 0);
    },
  });
  metrics
    .gauge({ name: 'vigil_build_info', help: 'Vigil version', labelNames: ['version'] })
    .set({ version }, 1);
}
