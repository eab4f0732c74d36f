import { resolve } from 'node:path';
import { VERSION } from '../base/version';
import { probeBoardDetails } from '../hal/board/accelerators';
import { AlarmService } from './alarm/alarmService';
import { SensorService } from './alarm/sensorService';
import { type AppEvents, TOPIC_POLICIES } from './appTopics';
import { BusService } from './bus/busService';
import type { Config } from './config/schema/index';
import type { AppContext } from './context';
import { EventsService } from './events/eventsService';
import { FacesService } from './faces/facesService';
import { SdNotifier } from './lifecycle/sdNotify';
import type { Service } from './lifecycle/service';
import { ServiceRunner } from './lifecycle/serviceRunner';
import { GracefulShutdown } from './lifecycle/shutdown';
import { LoggerFactory, type LoggerOptions } from './logging/logger';
import { MediaService } from './media/mediaService';
import { SnapshotStore } from './media/snapshots/snapshotStore';
import { Metrics } from './metrics/metrics';
import { MqttService } from './mqtt/mqttService';
import { PipelineService } from './pipeline/pipelineService';
import { databaseFileOf } from './store/databaseFile';
import { StoreService } from './store/storeService';
import { installAuthGuard } from './web/auth/authGuard';
import { registerAuthRoutes } from './web/auth/authRoutes';
import { AuthService } from './web/auth/authService';
import { registerLiveStream } from './web/liveStream/liveStreamRoutes';
import { registerHealthRoutes } from './web/routes/healthRoutes';
import { registerMetricsRoutes } from './web/routes/metricsRoutes';
import { registerStatsRoutes } from './web/routes/statsRoutes';
import { registerStatusPageRoutes } from './web/routes/statusPageRoutes';
import { registerSystemRoutes } from './web/routes/systemRoutes';
import { WebServer } from './web/webServer';

export interface App {
  readonly context: AppContext;
  readonly runner: ServiceRunner;
  readonly shutdown: GracefulShutdown;
  readonly notifier: SdNotifier;
}

export interface BuildOptions {
  env: NodeJS.ProcessEnv;
  /** Where log lines go; stdout when absent. */
  logDestination?: LoggerOptions['destination'];
}

/**
 * The composition root: builds every service from the config, wires them through one context,
 * and declares the start order (stop order is its reverse). Nothing is started here.
 */
export async function buildApp(config: Config, options: BuildOptions): Promise<App> {
  const logging = new LoggerFactory({
    level: config.log.level,
    modules: config.log.modules,
    destination: options.logDestination,
  });
  const metrics = new Metrics();
  const store = new StoreService({
    file: databaseFileOf(config),
    version: VERSION,
    groupCommit: {
      maxBatch: config.storage.group_commit.max_batch,
      maxDelayMs: config.storage.group_commit.max_delay_ms,
    },
    logger: logging.forModule('store'),
    ...commitMetrics(metrics),
  });
  const busService = new BusService<AppEvents>(TOPIC_POLICIES, logging.forModule('bus'), metrics);
  const web = new WebServer({
    host: config.http.host,
    port: config.http.port,
    bodyLimitBytes: config.http.body_limit_kb * 1024,
    logger: logging.forModule('web'),
    metrics,
    tls: config.http.tls,
  });
  // Before any route is declared: the OpenAPI document only sees routes declared after it.
  await web.installPlugins(VERSION);
  const auth = new AuthService({
    auth: config.http.auth,
    dataDir: config.data_dir,
    store,
    logger: logging.forModule('auth'),
  });
  installAuthGuard(web.app, auth);
  registerAuthRoutes(web.app, {
    auth,
    attemptsPerMinute: config.http.auth.login_attempts_per_minute,
    logger: logging.forModule('auth'),
  });
  const events = new EventsService({
    config,
    store,
    bus: busService.bus,
    metrics,
    http: web.app,
    logger: logging.forModule('events'),
  });
  const sensors = new SensorService({ config, bus: busService.bus, logger: logging.forModule('sensors') });
  const alarm = new AlarmService({
    config,
    store,
    bus: busService.bus,
    events,
    http: web.app,
    logger: logging.forModule('alarm'),
    inputs: () => sensors.states(),
  });
  const faces = new FacesService({
    config: config.faces,
    store,
    http: web.app,
    logger: logging.forModule('faces'),
    // Load the models at start only when a camera will use them; enrolling loads them on first use.
    warmUp: Object.values(config.cameras).some((camera) => camera.enabled),
  });
  const snapshots = new SnapshotStore({
    dataDir: resolve(config.data_dir),
    store,
    timeZone: config.device.timezone,
    logger: logging.forModule('media'),
    metrics,
  });
  const media = new MediaService({
    config,
    store,
    bus: busService.bus,
    http: web.app,
    logger: logging.forModule('media'),
    metrics,
    snapshots,
  });
  const pipeline = new PipelineService({
    config,
    bus: busService.bus,
    logger: logging.forModule('pipeline'),
    metrics,
    http: web.app,
    faces: config.faces.enabled ? faces : null,
    version: VERSION,
    startedAt: Date.now(),
    snapshots,
    frameTap: (camera, frame) => media.pushFrame(camera, frame),
  });
  const board = probeBoardDetails();
  const mqtt = new MqttService({
    config,
    store,
    bus: busService.bus,
    pipeline,
    alarm,
    board,
    version: VERSION,
    logger: logging.forModule('mqtt'),
    metrics,
  });
  const context: AppContext = {
    config,
    version: VERSION,
    startedAt: Date.now(),
    board,
    logging,
    metrics,
    bus: busService.bus,
    store,
    events,
    alarm,
    web,
    pipeline,
  };

  // Start order: persistence first, then the bus; the alarm before the event processor so that
  // every gpio.command it routes is heard; sensors and cameras after it so that every event they
  // publish is stored; media (the recording ring) before the cameras whose frames it may encode;
  // MQTT after the cameras so that its commands find them running; the web server last so that
  // nothing is served before the rest is up.
  const services: Service[] = [store, busService, alarm, events, sensors, faces, media, pipeline, mqtt];
  if (config.http.enabled) {
    // Auth right after the store that holds its sessions; the web server last.
    services.splice(1, 0, auth);
    services.push(web);
  }

  const lifecycleLogger = logging.forModule('lifecycle');
  const runner = new ServiceRunner(services, {
    logger: lifecycleLogger,
    serviceStopMs: config.shutdown.service_stop_seconds * 1000,
    onStateChange: ({ name, state, error }) => {
      if (state === 'idle') return;
      void context.bus
        .publish('system.service_state', { service: name, state, ...(error ? { error } : {}) })
        .catch(() => {
          // The bus is closed during shutdown; state changes after that are only logged by the runner.
        });
    },
  });
  registerHealthRoutes(web.app, {
    version: VERSION,
    device: { id: config.device.id, name: config.device.name },
    board: context.board,
    startedAt: context.startedAt,
    services: () => runner.statuses(),
  });
  registerMetricsRoutes(web.app, metrics);
  registerStatsRoutes(web.app, { pipeline, board: context.board, dataDir: config.data_dir });
  registerSystemRoutes(web.app, { config, problems: logging.problems });
  registerStatusPageRoutes(web.app);
  registerLiveStream(web.app, {
    config: config.http.stream,
    bus: busService.bus,
    db: () => store.db,
    metrics,
    logger: logging.forModule('web'),
  });
  registerServiceMetrics(metrics, runner);

  const notifier = new SdNotifier(options.env, lifecycleLogger);
  const shutdown = new GracefulShutdown({
    runner,
    notifier,
    logger: lifecycleLogger,
    budgetMs: config.shutdown.timeout_seconds * 1000,
  });
  return { context, runner, shutdown, notifier };
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

function registerServiceMetrics(metrics: Metrics, runner: ServiceRunner): void {
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
    .set({ version: VERSION }, 1);
}
