import { readFile, stat } from 'node:fs/promises';
import type { Unsubscribe } from '../../bus/types';
import type { EventTopics } from '../../events/eventTopics';
import type { PipelineStats } from '../../pipeline/pipelineStats';
import type { CameraActivity, PipelineTopics } from '../../pipeline/pipelineTopics';
import { resolveMediaPath } from '../../store/mediaPaths';
import { snapshotFilesOf } from '../../store/snapshotFiles';
import type { MqttContext, MqttFeature } from '../mqttContext';
import { type FrigateCameraInfo, FrigateObjects } from './frigateObjects';
import { FrigateTopics } from './frigateTopics';

/** What the Frigate topics use of the MQTT context. */
export type FrigateContext = Pick<
  MqttContext,
  'config' | 'connection' | 'bus' | 'pipeline' | 'logger' | 'owner'
>;

export interface FrigateFeatureOptions {
  /** How often `frigate/stats` is published; Frigate's default (its mqtt.stats_interval) is 60 s. */
  statsIntervalMs?: number;
}

/** Frigate publishes `frigate/stats` every 60 s unless configured otherwise. */
const STATS_INTERVAL_MS = 60_000;
/** An object not updated for this long lost its `end` (the live-view topic drops under overload). */
const STALE_OBJECT_MS = 60 * 60 * 1000;

/** A snapshot file as last published for one object: a rewrite changes its mtime or size. */
interface SnapshotSeen {
  mtimeMs: number;
  size: number;
}

/** Counts Frigate publishes per label (plus `all`): every object, and those not stationary. */
type Counts = Map<string, number>;

/**
 * Frigate's topics and payloads under `mqtt.frigate_prefix` (when `mqtt.frigate_compat`), so
 * automations, blueprints, Node-RED flows and Double Take written for Frigate work unchanged:
 * `available`, `events`, `<camera>/<label>` counts and `/active`, `<camera>/<label>/snapshot`,
 * `<camera>/motion`, `<camera>/<setting>/state`, `tracked_object_update` (faces) and `stats`.
 * Retain flags are Frigate's: availability, setting states and snapshots are retained; events,
 * counts, motion, face updates and stats are not (counts and motion are published again on every
 * connect instead).
 *
 * Limitation: a client has a single last will, and it belongs to Vigil's own availability topic.
 * `frigate/available` says `offline` on a clean stop, but after a crash or a network loss it keeps
 * saying `online` until the next connect; automations that must notice a dead appliance should use
 * `<prefix>/<id>/available`.
 */
export class FrigateFeature implements MqttFeature {
  readonly #context: FrigateContext;
  readonly #topics: FrigateTopics;
  readonly #objects: FrigateObjects;
  readonly #statsIntervalMs: number;
  readonly #unsubscribe: Unsubscribe[] = [];
  /** Last activity per camera (motion, counts), republished on connect. */
  readonly #activity = new Map<string, CameraActivity>();
  /** Labels ever counted per camera: one that leaves is published as 0. */
  readonly #labels = new Map<string, Set<string>>();
  /** Count topics as last published, to publish changes only. */
  readonly #published = new Map<string, number>();
  /** Snapshot file published last per object (`camera/id`), until the object ends. */
  readonly #snapshotSeen = new Map<string, SnapshotSeen>();
  /** The file behind each retained `<camera>/<label>/snapshot`, published again on connect. */
  readonly #snapshotFiles = new Map<string, { camera: string; label: string; file: string }>();
  #statsTimer: NodeJS.Timeout | undefined;
  #counters = { events: 0, snapshots: 0, face_updates: 0, failed: 0 };

  constructor(context: FrigateContext, options: FrigateFeatureOptions = {}) {
    this.#context = context;
    this.#topics = new FrigateTopics(context.config.mqtt.frigate_prefix);
    this.#objects = new FrigateObjects((camera) => this.#camera(camera));
    this.#statsIntervalMs = options.statsIntervalMs ?? STATS_INTERVAL_MS;
  }

  start(): void {
    const { bus, owner, logger } = this.#context;
    const guarded =
      <T>(what: string, handler: (payload: T) => Promise<void> | void) =>
      async ({ payload }: { payload: T }) => {
        try {
          await handler(payload);
        } catch (err) {
          logger.error({ err }, `Frigate topics: handling ${what} failed`);
        }
      };
    this.#unsubscribe.push(
      bus.on(
        owner,
        'event.processed',
        guarded('a processed event', (p: EventTopics['event.processed']) => this.#processed(p)),
      ),
      bus.on(
        owner,
        'camera.activity',
        guarded('camera activity', (p: CameraActivity) => this.#activityChanged(p)),
      ),
      bus.on(
        owner,
        'camera.settings',
        guarded('camera settings', (p: PipelineTopics['camera.settings']) => this.#settingsChanged(p)),
      ),
    );
    this.#statsTimer = setInterval(() => {
      this.#publishStats();
      this.#prune();
    }, this.#statsIntervalMs);
    this.#statsTimer.unref();
  }

  /** Availability, every camera's settings, motion and counts, the retained snapshots, and stats. */
  onConnect(): void {
    this.#send(this.#topics.available, 'online', true);
    for (const camera of this.#context.pipeline.cameraNames()) {
      this.#publishCameraStates(camera);
      const activity = this.#activity.get(camera);
      this.#send(this.#topics.motion(camera), activity?.motion ? 'ON' : 'OFF', false);
      this.#publishCounts(camera, activity?.objects ?? {}, true);
    }
    for (const { camera, label, file } of this.#snapshotFiles.values()) {
      void this.#publishSnapshotFile(camera, label, file);
    }
    this.#publishStats();
  }

  async stop(): Promise<void> {
    clearInterval(this.#statsTimer);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    if (this.#context.connection.connected) {
      await this.#context.connection
        .publish(this.#topics.available, 'offline', { qos: 1, retain: true })
        .catch(() => {
          // Going away anyway.
        });
    }
  }

  health(): Record<string, unknown> {
    return {
      frigate: { prefix: this.#topics.prefix, tracked_objects: this.#objects.size, ...this.#counters },
    };
  }

  async #processed({ event, decision }: EventTopics['event.processed']): Promise<void> {
    const face = this.#objects.face(event);
    if (face) {
      this.#send(this.#topics.trackedObjectUpdate, JSON.stringify(face.update), false);
      this.#counters.face_updates += 1;
      if (face.message) this.#sendEvent(JSON.stringify(face.message));
      return;
    }
    const phase = event.data.phase;
    if (phase !== 'new' && phase !== 'update' && phase !== 'end') return;
    const key = `${event.camera}/${event.objectId}`;
    const snapshot = await this.#changedSnapshot(key, event.data.snapshot);
    const message = this.#objects.object(event, decision, snapshot !== null);
    if (phase === 'end') this.#snapshotSeen.delete(key);
    if (!message) return;
    this.#sendEvent(JSON.stringify(message));
    // As Frigate: a stationary object's better snapshots are not published.
    if (snapshot && !message.after.stationary) {
      const { camera, label } = message.after;
      this.#snapshotFiles.set(`${camera}/${label}`, { camera, label, file: snapshot.file });
      this.#send(this.#topics.snapshot(camera, label), snapshot.jpeg, true);
      this.#counters.snapshots += 1;
    }
  }

  /** The object's snapshot file when it is new or was rewritten since last published, else null. */
  async #changedSnapshot(key: string, stored: unknown): Promise<{ file: string; jpeg: Buffer } | null> {
    if (typeof stored !== 'string' || snapshotFilesOf(stored) === null) return null;
    const file = resolveMediaPath(this.#context.config.data_dir, stored);
    if (!file) return null;
    try {
      const { mtimeMs, size } = await stat(file);
      const seen = this.#snapshotSeen.get(key);
      if (seen && seen.mtimeMs === mtimeMs && seen.size === size) return null;
      const jpeg = await readFile(file);
      this.#snapshotSeen.set(key, { mtimeMs, size });
      return { file, jpeg };
    } catch {
      // Deleted by retention, or not written yet: nothing to show.
      return null;
    }
  }

  async #publishSnapshotFile(camera: string, label: string, file: string): Promise<void> {
    try {
      this.#send(this.#topics.snapshot(camera, label), await readFile(file), true);
    } catch {
      // Removed by retention since: the broker's retained copy (if any) stays.
    }
  }

  #activityChanged(activity: CameraActivity): void {
    const previous = this.#activity.get(activity.camera);
    this.#activity.set(activity.camera, activity);
    if (previous?.motion !== activity.motion) {
      this.#send(this.#topics.motion(activity.camera), activity.motion ? 'ON' : 'OFF', false);
    }
    this.#publishCounts(activity.camera, activity.objects, false);
  }

  /**
   * `<camera>/<label>` and `<camera>/<label>/active` for every tracked label (0 when none is
   * seen) and `<camera>/all`, `<camera>/all/active`: only those that changed, unless `all`.
   */
  #publishCounts(camera: string, objects: CameraActivity['objects'], all: boolean): void {
    const labels = this.#labels.get(camera) ?? new Set(this.#context.config.cameras[camera]?.objects.track);
    this.#labels.set(camera, labels);
    for (const label of Object.keys(objects)) labels.add(label);
    const counts: Counts = new Map();
    let total = 0;
    let active = 0;
    for (const label of labels) {
      const seen = objects[label] ?? { count: 0, active: 0 };
      counts.set(this.#topics.count(camera, label, false), seen.count);
      counts.set(this.#topics.count(camera, label, true), seen.active);
      total += seen.count;
      active += seen.active;
    }
    counts.set(this.#topics.count(camera, 'all', false), total);
    counts.set(this.#topics.count(camera, 'all', true), active);
    for (const [topic, value] of counts) {
      if (!all && this.#published.get(topic) === value) continue;
      this.#published.set(topic, value);
      this.#send(topic, String(value), false);
    }
  }

  #settingsChanged(settings: PipelineTopics['camera.settings']): void {
    const { camera, detect_enabled, motion_enabled } = settings;
    this.#send(this.#topics.state(camera, 'detect'), onOff(detect_enabled), true);
    this.#send(this.#topics.state(camera, 'motion'), onOff(motion_enabled), true);
  }

  /** The retained `<camera>/<setting>/state` topics: running values where known, else the config's. */
  #publishCameraStates(camera: string): void {
    const config = this.#context.config.cameras[camera];
    if (!config) return;
    const running = this.#context.pipeline.stats().cameras[camera];
    const states: Array<[string, boolean]> = [
      ['enabled', config.enabled],
      ['detect', running?.detection_enabled ?? config.detect.enabled],
      ['motion', running?.motion_enabled ?? config.motion.enabled],
      ['recordings', config.record.enabled],
      ['snapshots', config.snapshots.enabled],
    ];
    for (const [setting, on] of states) this.#send(this.#topics.state(camera, setting), onOff(on), true);
  }

  #publishStats(): void {
    if (!this.#context.connection.connected) return;
    try {
      this.#send(this.#topics.stats, JSON.stringify(frigateStats(this.#context.pipeline.stats())), false);
    } catch (err) {
      this.#context.logger.warn({ err }, 'Frigate topics: could not read the pipeline stats');
    }
  }

  #prune(): void {
    this.#objects.prune(Date.now(), STALE_OBJECT_MS);
    for (const key of this.#snapshotSeen.keys()) {
      const slash = key.indexOf('/');
      if (!this.#objects.tracks(key.slice(0, slash), key.slice(slash + 1))) this.#snapshotSeen.delete(key);
    }
  }

  #sendEvent(json: string): void {
    this.#send(this.#topics.events, json, false);
    this.#counters.events += 1;
  }

  /** Live state: skipped while offline (the next connect publishes it all again). */
  #send(topic: string, payload: string | Buffer, retain: boolean): void {
    const { connection, config, logger } = this.#context;
    if (!connection.connected) return;
    connection.publish(topic, payload, { qos: config.mqtt.qos, retain }).catch((err: unknown) => {
      this.#counters.failed += 1;
      logger.debug({ err, topic }, 'Frigate topics: publish failed');
    });
  }

  #camera(camera: string): FrigateCameraInfo | undefined {
    const config = this.#context.config.cameras[camera];
    if (!config) return undefined;
    return {
      width: config.detect.width,
      height: config.detect.height,
      fps: config.detect.fps,
      record: config.record.enabled,
    };
  }
}

/**
 * `/api/stats` as Frigate publishes it on `frigate/stats`: the pipeline's figures (already in
 * Frigate's per-camera and per-detector shape) plus the total `detection_fps` and
 * `service.last_updated` (seconds).
 */
function frigateStats(stats: PipelineStats): Record<string, unknown> {
  const detectionFps = Object.values(stats.cameras).reduce((sum, camera) => sum + camera.detection_fps, 0);
  return {
    ...stats,
    detection_fps: Math.round(detectionFps * 100) / 100,
    service: { ...stats.service, last_updated: Math.floor(Date.now() / 1000) },
  };
}

function onOff(on: boolean): 'ON' | 'OFF' {
  return on ? 'ON' : 'OFF';
}
