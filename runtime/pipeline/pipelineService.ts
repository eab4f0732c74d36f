import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../base/logger';
import { createDetector } from '../../hal/accel/createDetector';
import { detectorInstances, onnxIntraOpThreads } from '../../hal/accel/detectorInstances';
import type { DetectorConfig } from '../../hal/accel/detectorSchema';
import type { ObjectDetector } from '../../hal/accel/types';
import { createCameraSource } from '../../hal/camera/createCameraSource';
import type { CameraSource, Frame } from '../../hal/camera/types';
import { modelManifest } from '../../models/registry';
import type { Bus } from '../bus/eventBus';
import { cameraDetectorName } from '../config/cameraDetector';
import type { Config } from '../config/schema/index';
import type { EventInput } from '../domain/eventModel';
import type { EventTopics } from '../events/eventTopics';
import type { FacesService } from '../faces/facesService';
import type { Service } from '../lifecycle/service';
import { encodeJpeg } from '../media/annotate';
import type { SnapshotSaver } from '../media/snapshots/snapshotSaver';
import type { Metrics } from '../metrics/metrics';
import { registerCameraRoutes } from './api/cameraRoutes';
import { MjpegHub } from './api/mjpegHub';
import { CameraPipeline, type FaceRecognizerPort } from './cameraPipeline';
import { DetectorScheduler } from './detectorScheduler';
import { registerPipelineMetrics } from './pipelineMetrics';
import type { PipelineStats } from './pipelineStats';
import type { PipelineTopics } from './pipelineTopics';

export interface PipelineServiceDeps {
  config: Config;
  bus: Bus<EventTopics & PipelineTopics>;
  logger: Logger;
  metrics: Metrics;
  /** Web server app: `/api/v1/stats` and the camera routes are registered on it. */
  http: FastifyInstance;
  /** Face recognition on tracked people, when enabled. */
  faces: (FaceRecognizerPort & Pick<FacesService, 'stats'>) | null;
  version: string;
  startedAt: number;
  /** Keeps the best frame of each tracked object (the snapshot store); null keeps none. */
  snapshots: SnapshotSaver | null;
  /** Sees every frame a camera source delivers, before it is processed (the recording ring encodes raw-frame cameras from it). */
  frameTap?: (camera: string, frame: Frame) => void;
}

interface RunningCamera {
  source: CameraSource;
  pipeline: CameraPipeline;
  loop: Promise<void>;
}

/** A loaded detector and the scheduler that shares it between the cameras using it. */
interface RunningDetector {
  detector: ObjectDetector;
  scheduler: DetectorScheduler;
  instances: number;
  config: DetectorConfig;
}

/** What can be changed on a running camera. */
export type CameraTuning = Parameters<CameraPipeline['tune']>[0];

/**
 * The detection pipeline as a service: each detector some camera uses (loaded in worker threads
 * at start, `instances` of them, behind one fair scheduler) and one frame loop per enabled
 * camera, publishing what they see to the event processor over the bus.
 */
export class PipelineService implements Service {
  readonly name = 'pipeline';
  readonly #deps: PipelineServiceDeps;
  readonly #detectors = new Map<string, RunningDetector>();
  readonly #cameras = new Map<string, RunningCamera>();
  /** The MJPEG streams' viewers, fed each processed frame. */
  readonly mjpeg: MjpegHub;

  constructor(deps: PipelineServiceDeps) {
    this.#deps = deps;
    this.mjpeg = new MjpegHub({
      maxViewers: (camera) => deps.config.cameras[camera]?.mjpeg.max_viewers ?? 0,
      encode: (camera, annotated) => this.#encodeLatest(camera, annotated),
      logger: deps.logger.child({ stream: 'mjpeg' }),
    });
    // Streams end with their closing boundary before the server drops the connections.
    deps.http.addHook('preClose', (done) => {
      this.mjpeg.close();
      done();
    });
    registerCameraRoutes(deps.http, {
      stats: () => this.stats(),
      cameraNames: () => this.cameraNames(),
      latestSnapshot: (camera) => this.latestSnapshot(camera),
      tune: (camera, changes) => this.tune(camera, changes),
      mjpeg: this.mjpeg,
    });
    registerPipelineMetrics(deps.metrics, () => this.stats());
  }

  async start(): Promise<void> {
    const { config, logger } = this.#deps;
    const cameras = Object.entries(config.cameras).filter(([, camera]) => camera.enabled);
    // Only detectors a detecting camera uses are loaded: each instance holds a model copy. A camera
    // that detects on its sensor (the AI Camera) needs none of ours.
    const detectorOf = new Map(cameras.map(([name, camera]) => [name, ourDetector(camera, config)]));
    const used = new Set([...detectorOf.values()].filter((name) => name !== undefined));
    await Promise.all([...used].map((name) => this.#startDetector(name, config.detectors[name])));
    for (const [name, camera] of cameras) {
      const cameraLogger = logger.child({ camera: name });
      const detectorName = detectorOf.get(name);
      const running = detectorName === undefined ? undefined : this.#detectors.get(detectorName);
      let pipeline: CameraPipeline | undefined;
      const source = createCameraSource({
        camera: name,
        config: camera,
        logger: cameraLogger,
        onStatus: (status) => pipeline?.onStatus(status),
      });
      pipeline = new CameraPipeline({
        camera: name,
        config: camera,
        sourceStats: () => source.stats(),
        detector: running ? running.scheduler.forCamera(name) : null,
        modelInputSize: inputSizeOf(running?.config),
        faces: config.faces.enabled ? this.#deps.faces : null,
        publish: (event) => this.#publish(event),
        logger: cameraLogger,
        snapshots: this.#deps.snapshots ?? undefined,
        activity: (activity) => void this.#deps.bus.publish('camera.activity', activity),
        observe: () => this.mjpeg.frame(name),
      });
      const loop = pipeline
        .run(this.#tapped(name, source.frames(), cameraLogger))
        .catch((err) => cameraLogger.error({ err }, 'camera loop ended with an error'))
        .finally(() => this.mjpeg.end(name));
      this.#cameras.set(name, { source, pipeline, loop });
    }
    logger.info({ cameras: cameras.map(([name]) => name) }, 'pipeline started');
  }

  async stop(): Promise<void> {
    const running = [...this.#cameras.values()];
    await Promise.all(running.map((camera) => camera.source.stop()));
    await Promise.all(running.map((camera) => camera.loop));
    this.#cameras.clear();
    const detectors = [...this.#detectors.values()];
    for (const { scheduler } of detectors) scheduler.close();
    await Promise.all(detectors.map(({ detector }) => detector.close()));
    this.#detectors.clear();
  }

  /** Loads one detector in its `instances` workers and puts a scheduler in front of it. */
  async #startDetector(name: string, config: DetectorConfig | undefined): Promise<void> {
    if (!config) return;
    const logger = this.#deps.logger;
    const detector = createDetector(name, config, { logger: logger.child({ detector: name }) });
    const instances = detectorInstances(config);
    // Registered before loading, so stop() closes it even if loading fails.
    this.#detectors.set(name, {
      detector,
      scheduler: new DetectorScheduler(detector, instances),
      instances,
      config,
    });
    await detector.load();
    // onnx: its intra-op threads too, since the default's come from the machine, not the config.
    const threads = onnxIntraOpThreads(config);
    logger.info(
      {
        detector: name,
        type: config.type,
        instances,
        ...(threads === undefined ? {} : { intra_op_threads: threads }),
      },
      'detector loaded',
    );
  }

  health(): Record<string, unknown> {
    const stats = this.stats();
    return {
      cameras: Object.fromEntries(
        Object.entries(stats.cameras).map(([name, c]) => [
          name,
          c.online ? 'online' : `offline: ${c.offline_reason}`,
        ]),
      ),
      // A remote detector can fail while everything runs: health says so, and why.
      detectors: Object.fromEntries(
        [...this.#detectors].map(([name, { detector }]) => [name, detector.health?.() ?? { state: 'ok' }]),
      ),
    };
  }

  cameraNames(): string[] {
    return Object.entries(this.#deps.config.cameras)
      .filter(([, camera]) => camera.enabled)
      .map(([name]) => name);
  }

  /**
   * Run-time tuning from the API or MQTT (motion settings, detection on/off), announced on
   * `camera.settings`; null when the camera is not running. Not saved to the config file.
   */
  tune(camera: string, changes: CameraTuning): ReturnType<CameraPipeline['tune']> | null {
    const pipeline = this.#cameras.get(camera)?.pipeline;
    if (!pipeline) return null;
    const applied = pipeline.tune(changes);
    const stats = pipeline.stats();
    void this.#deps.bus.publish('camera.settings', {
      camera,
      detect_enabled: stats.detection_enabled,
      motion_enabled: stats.motion_enabled,
    });
    return applied;
  }

  /** The camera pipeline of `camera`, while running (tests and the benchmark read its timers). */
  pipeline(camera: string): CameraPipeline | undefined {
    return this.#cameras.get(camera)?.pipeline;
  }

  stats(): PipelineStats {
    const { config, faces, version, startedAt } = this.#deps;
    return {
      cameras: Object.fromEntries(
        [...this.#cameras].map(([name, camera]) => [name, camera.pipeline.stats()]),
      ),
      detectors: Object.fromEntries(
        [...this.#detectors].map(([name, { detector, scheduler, instances }]) => [
          name,
          {
            type: detector.type,
            inference_speed: roundMs(detector.inferenceSpeedMs()),
            instances,
            regions_running: scheduler.running(),
            regions_skipped: [...this.#cameras.keys()].reduce(
              (sum, camera) => sum + scheduler.counts(camera).dropped,
              0,
            ),
          },
        ]),
      ),
      faces: {
        enabled: config.faces.enabled && faces !== null,
        recognition_speed: roundMs(faces?.stats().recognition_speed ?? null),
      },
      service: { uptime: Math.round((Date.now() - startedAt) / 1000), version },
    };
  }

  async latestSnapshot(camera: string): Promise<Buffer | null> {
    return this.#encodeLatest(camera, true);
  }

  /** The latest processed frame as JPEG, with boxes, labels and zones drawn when `annotated`. */
  #encodeLatest(camera: string, annotated: boolean): Promise<Buffer | null> {
    const latest = this.#cameras.get(camera)?.pipeline.latest();
    if (!latest) return Promise.resolve(null);
    if (!annotated) return encodeJpeg(latest.frame);
    const zones = this.#deps.config.cameras[camera]?.zones ?? {};
    const objects = latest.objects.map((o) => ({ box: o.box, label: o.label, score: o.score }));
    return encodeJpeg(latest.frame, objects, zones);
  }

  /** The source's frames, each shown to `frameTap` first (a failing tap never stops the camera). */
  async *#tapped(camera: string, frames: AsyncIterable<Frame>, logger: Logger): AsyncIterable<Frame> {
    const tap = this.#deps.frameTap;
    if (!tap) return yield* frames;
    let warned = false;
    for await (const frame of frames) {
      try {
        tap(camera, frame);
      } catch (err) {
        // Once per run: a tap that fails on one frame usually fails on all of them.
        if (!warned)
          logger.warn({ err, seq: frame.seq }, 'frame tap failed; further failures are not logged');
        warned = true;
      }
      yield frame;
    }
  }

  #publish(event: EventInput): void {
    this.#deps.bus.publishAndWaitForHandlers('event.ingest', event).catch((err: unknown) => {
      this.#deps.logger.warn(
        { err, type: event.type, camera: event.camera },
        'event from the pipeline was not stored',
      );
    });
  }
}

/** The detector of ours a camera uses; none when it does not detect or detects on its sensor. */
function ourDetector(camera: Config['cameras'][string], config: Config): string | undefined {
  const onSensor = camera.source.driver === 'libcamera' && camera.source.post_process_file !== undefined;
  return camera.detect.enabled && !onSensor ? cameraDetectorName(camera, config.detectors) : undefined;
}

function inputSizeOf(detector: DetectorConfig | undefined): number {
  if (detector && 'model' in detector && detector.model) return modelManifest(detector.model).inputSize;
  // ONNX YOLO models and remote detectors commonly take 640 × 640.
  return 640;
}

function roundMs(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 10) / 10;
}
