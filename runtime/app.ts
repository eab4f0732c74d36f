import { resolve } from 'node:path';
import { AlarmService } from './alarm/alarmService';
import { SensorService } from './alarm/sensorService';
import { type AppEvents, TOPIC_POLICIES } from './appTopics';
import { BusService } from './bus/busService';
import type { Bus } from './bus/eventBus';
import type { Config } from './config/schema/index';
import {
  assembleDaemon,
  buildDaemonParts,
  type Daemon,
  type DaemonOptions,
  type DaemonParts,
} from './daemon';
import { EventsService } from './events/eventsService';
import { FacesService } from './faces/facesService';
import type { Service } from './lifecycle/service';
import { MediaService } from './media/mediaService';
import { SnapshotStore } from './media/snapshots/snapshotStore';
import { MqttService } from './mqtt/mqttService';
import { PipelineService } from './pipeline/pipelineService';
import { databaseFileOf } from './store/databaseFile';
import { limitImageMemory } from './system/imageMemory';
import { registerLiveStream } from './web/liveStream/liveStreamRoutes';
import { registerLiveVideo } from './web/liveVideo/liveVideoRoutes';
import { LiveVideoStreams } from './web/liveVideo/liveVideoStreams';
import { registerStatsRoutes } from './web/routes/statsRoutes';
import { registerStatusPageRoutes } from './web/routes/statusPageRoutes';
import { registerSystemRoutes } from './web/routes/systemRoutes';

/** What the appliance is built from: the shared parts, the bus and the services tools and tests reach into. */
interface ApplianceParts extends DaemonParts {
  readonly bus: Bus<AppEvents>;
  readonly events: EventsService;
  readonly alarm: AlarmService;
  readonly pipeline: PipelineService;
  readonly liveVideo: LiveVideoStreams;
}

/** The appliance (`vigil run`), built and not yet started. */
export type App = Daemon<ApplianceParts>;

/**
 * The appliance's composition root: the shared skeleton (daemon.ts, with the login) plus the bus, the
 * event processor, sensors and alarm, faces, media, the camera pipeline and MQTT, each given the
 * parts it uses; then the status page's routes and the start order. Nothing is started here.
 */
export async function buildApp(config: Config, options: DaemonOptions): Promise<App> {
  limitImageMemory();
  const parts = await buildDaemonParts(config, { file: databaseFileOf(config) }, options);
  const busService = new BusService<AppEvents>(TOPIC_POLICIES, parts.logging.forModule('bus'), parts.metrics);
  const services = applianceServices(parts, busService.bus);
  const app: ApplianceParts = {
    ...parts,
    bus: busService.bus,
    events: services.events,
    alarm: services.alarm,
    pipeline: services.pipeline,
    liveVideo: services.liveVideo,
  };
  registerPageRoutes(app);
  return assembleDaemon(app, startOrder(config, parts, busService, services), {
    env: options.env,
    device: { id: config.device.id, name: config.device.name },
    onStateChange: ({ name, state, error }) => {
      if (state === 'idle') return;
      void busService.bus
        .publish('system.service_state', { service: name, state, ...(error ? { error } : {}) })
        .catch(() => {
          // The bus is closed during shutdown; state changes after that are only logged by the runner.
        });
    },
  });
}

type ApplianceServices = ReturnType<typeof applianceServices>;

function applianceServices(parts: DaemonParts, bus: Bus<AppEvents>) {
  const { config, logging, metrics, store, web } = parts;
  const http = web.app;
  const events = new EventsService({
    config,
    clock: parts.clock,
    store,
    bus,
    metrics,
    http,
    logger: logging.forModule('events'),
  });
  const sensors = new SensorService({ config, bus, logger: logging.forModule('sensors') });
  const alarm = new AlarmService({
    config,
    store,
    bus,
    events,
    http,
    logger: logging.forModule('alarm'),
    inputs: () => sensors.states(),
    clock: parts.clock,
  });
  const faces = new FacesService({
    config: config.faces,
    store,
    http,
    // The face models load at the first person crop (or enrolment), not at start: see FacesServiceDeps.warmUp.
    logger: logging.forModule('faces'),
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
    bus,
    http,
    logger: logging.forModule('media'),
    metrics,
    snapshots,
    clock: parts.clock,
  });
  // Raw-frame cameras' live video is encoded from the frames the pipeline taps (see LiveVideoStreams).
  const liveVideo = new LiveVideoStreams({ cameras: config.cameras, logger: logging.forModule('web') });
  const pipeline = new PipelineService({
    config,
    bus,
    logger: logging.forModule('pipeline'),
    metrics,
    http,
    faces: config.faces.enabled ? faces : null,
    version: parts.version,
    startedAt: parts.startedAt,
    snapshots,
    frameTap: (camera, frame) => {
      media.pushFrame(camera, frame);
      liveVideo.pushFrame(camera, frame);
    },
  });
  const mqtt = new MqttService({
    config,
    store,
    bus,
    pipeline,
    alarm,
    events,
    board: parts.board,
    version: parts.version,
    logger: logging.forModule('mqtt'),
    metrics,
  });
  return { events, sensors, alarm, faces, media, pipeline, mqtt, liveVideo };
}

/**
 * Persistence first, then the bus; the alarm before the event processor so that every
 * gpio.command it routes is heard; sensors and cameras after it so that every event they publish
 * is stored; media (the recording ring) before the cameras whose frames it may encode; MQTT after
 * the cameras so that its commands find them running; the web server last so that nothing is
 * served before the rest is up. Auth comes right after the store that holds its sessions.
 */
function startOrder(
  config: Config,
  parts: DaemonParts,
  bus: BusService<AppEvents>,
  s: ApplianceServices,
): Service[] {
  const core: Service[] = [bus, s.alarm, s.events, s.sensors, s.faces, s.media, s.pipeline, s.mqtt];
  // The clock first: the first stamps already know whether it is synchronised.
  return config.http.enabled
    ? [parts.clock, parts.store, parts.auth, ...core, parts.web]
    : [parts.clock, parts.store, ...core];
}

/** The status page and the read-only routes that sit above every area: stats, system, live stream, live video. */
function registerPageRoutes(app: ApplianceParts): void {
  const { config, web, logging, metrics, store } = app;
  registerStatsRoutes(web.app, { pipeline: app.pipeline, board: app.board, dataDir: config.data_dir });
  registerSystemRoutes(web.app, { config, problems: logging.problems });
  registerStatusPageRoutes(web.app);
  registerLiveStream(web.app, {
    config: config.http.stream,
    bus: app.bus,
    db: () => store.db,
    metrics,
    logger: logging.forModule('web'),
  });
  registerLiveVideo(web.app, config.cameras, app.liveVideo);
}
