import { isAbsolute, join } from 'node:path';
import { VERSION } from '../../base/version';
import { probeBoard } from '../../hal/board/index';
import type { Config } from '../config/schema/index';
import { SdNotifier } from '../lifecycle/sdNotify';
import { ServiceRunner } from '../lifecycle/serviceRunner';
import { GracefulShutdown } from '../lifecycle/shutdown';
import { LoggerFactory, type LoggerOptions } from '../logging/logger';
import { Metrics } from '../metrics/metrics';
import { StoreService } from '../store/storeService';
import { registerHealthRoutes } from '../web/routes/healthRoutes';
import { registerMetricsRoutes } from '../web/routes/metricsRoutes';
import { WebServer } from '../web/webServer';
import { CENTRAL_MIGRATIONS } from './centralMigrations';
import { CentralReceiver } from './centralReceiver';
import { registerCentralRoutes } from './centralRoutes';
import { CentralStore } from './centralStore';

export interface CentralApp {
  readonly logging: LoggerFactory;
  readonly runner: ServiceRunner;
  readonly shutdown: GracefulShutdown;
  readonly notifier: SdNotifier;
  readonly web: WebServer;
  readonly databaseFile: string;
}

/**
 * `vigil central`: its own database (`central.database` in data_dir), the MQTT receiver, and a
 * read API on `http`. Same config file format as the appliance; only mqtt, central, http,
 * data_dir, log and shutdown matter here.
 */
export function buildCentralApp(
  config: Config,
  options: { env: NodeJS.ProcessEnv; logDestination?: LoggerOptions['destination'] },
): CentralApp {
  const logging = new LoggerFactory({
    level: config.log.level,
    modules: config.log.modules,
    destination: options.logDestination,
  });
  const metrics = new Metrics();
  const databaseFile = isAbsolute(config.central.database)
    ? config.central.database
    : join(config.data_dir, config.central.database);
  const store = new StoreService({
    file: databaseFile,
    version: VERSION,
    groupCommit: {
      maxBatch: config.storage.group_commit.max_batch,
      maxDelayMs: config.storage.group_commit.max_delay_ms,
    },
    logger: logging.forModule('store'),
    migrations: CENTRAL_MIGRATIONS,
  });
  const receiver = new CentralReceiver({ config, store, logger: logging.forModule('central'), metrics });
  const web = new WebServer({
    host: config.http.host,
    port: config.http.port,
    bodyLimitBytes: config.http.body_limit_kb * 1024,
    logger: logging.forModule('web'),
    metrics,
  });
  let central: CentralStore | undefined;
  registerCentralRoutes(web.app, () => {
    central ??= new CentralStore(store.db);
    return central;
  });
  const lifecycleLogger = logging.forModule('lifecycle');
  const runner = new ServiceRunner([store, receiver, web], {
    logger: lifecycleLogger,
    serviceStopMs: config.shutdown.service_stop_seconds * 1000,
  });
  registerHealthRoutes(web.app, {
    version: VERSION,
    device: { id: 'central', name: 'Vigil central receiver' },
    board: probeBoard(),
    startedAt: Date.now(),
    services: () => runner.statuses(),
  });
  registerMetricsRoutes(web.app, metrics);
  const notifier = new SdNotifier(options.env, lifecycleLogger);
  const shutdown = new GracefulShutdown({
    runner,
    notifier,
    logger: lifecycleLogger,
    budgetMs: config.shutdown.timeout_seconds * 1000,
  });
  return { logging, runner, shutdown, notifier, web, databaseFile };
}
