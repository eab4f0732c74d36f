import type { VigilEvent } from '../../domain/eventModel';
import type { CameraActivity, PipelineTopics } from '../../pipeline/pipelineTopics';
import { panelState } from '../commands/alarmPanel';
import type { MqttContext } from '../mqttContext';
import { readDeviceState } from './deviceState';
import { SnapshotSender } from './snapshotSender';

type FaceList = 'known' | 'unknown' | 'blacklist';

/** `<base>/<camera>/face`: the last face recognised (or not) on the camera. */
export interface FaceState {
  name: string | null;
  list: FaceList;
  score: number | null;
  /** ISO 8601: shown as an attribute in HA, where people read it. */
  at: string;
}

const FACE_TYPES: Record<string, { list: FaceList; event_type: 'known' | 'unknown' | 'blacklisted' }> = {
  face_known: { list: 'known', event_type: 'known' },
  face_unknown: { list: 'unknown', event_type: 'unknown' },
  face_blacklisted: { list: 'blacklist', event_type: 'blacklisted' },
};

/**
 * Vigil's retained state topics under `<base>/`, kept current from the bus: per camera motion,
 * object counts, detection and motion-detection switches, last face (plus a non-retained face
 * event) and latest snapshot; for the appliance the siren, the alarm mode and `<base>/state`
 * every `mqtt.state_interval_seconds`. Home Assistant's entities read them; so can anything else.
 * Publishes while offline are dropped: `publishAll` sends the whole state again after a connect.
 */
export class LiveStatePublisher {
  readonly #context: MqttContext;
  readonly #siren: string | null;
  readonly #snapshots: SnapshotSender;
  readonly #activity = new Map<string, CameraActivity>();
  readonly #settings = new Map<string, { detect: boolean; motion: boolean }>();
  readonly #faces = new Map<string, FaceState>();
  /** The objects JSON last sent per camera: activity also changes with motion alone. */
  readonly #sentCounts = new Map<string, string>();
  #sirenOn: boolean | undefined;
  #mode: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #readingFigures = false;
  #stopped = false;

  constructor(context: MqttContext, siren: string | null) {
    this.#context = context;
    this.#siren = siren;
    this.#snapshots = new SnapshotSender({
      dataDir: context.config.data_dir,
      send: (camera, jpeg) => this.#publish(context.topics.camera(camera, 'snapshot'), jpeg, true),
      onError: (camera, err) => context.logger.debug({ err, camera }, 'snapshot not published to MQTT'),
    });
  }

  /** Cameras with topics: the enabled ones in the config. */
  get cameras(): string[] {
    return Object.entries(this.#context.config.cameras)
      .filter(([, camera]) => camera.enabled)
      .map(([name]) => name);
  }

  start(): void {
    this.#stopped = false;
    const { bus, owner, config } = this.#context;
    bus.on(owner, 'camera.activity', ({ payload }) => this.#onActivity(payload));
    bus.on(owner, 'camera.settings', ({ payload }) => this.#onSettings(payload));
    bus.on(owner, 'event.processed', ({ payload }) => this.#onProcessed(payload.event));
    bus.on(owner, 'gpio.state', ({ payload }) => {
      if (payload.name !== this.#siren) return;
      this.#sirenOn = payload.active;
      this.#send(this.#context.topics.device('siren', 'state'), onOff(payload.active));
      this.#sendPanel();
    });
    bus.on(owner, 'alarm.mode', ({ payload }) => {
      this.#mode = payload.mode;
      this.#send(this.#context.topics.device('alarm', 'state'), payload.mode);
      this.#sendPanel();
    });
    this.#timer = setInterval(() => {
      // Reading the figures costs a df; pointless while nobody can receive them.
      if (this.#context.connection.connected) void this.#publishDeviceState();
    }, config.mqtt.state_interval_seconds * 1000);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#snapshots.stop();
  }

  /** The whole state, after a connect or when Home Assistant came back. Rejects when the broker went away meanwhile. */
  async publishAll(): Promise<void> {
    const { topics, pipeline, alarm, config } = this.#context;
    const stats = pipeline.stats().cameras;
    const sends: Promise<void>[] = [];
    for (const camera of this.cameras) {
      const running = stats[camera];
      const activity = this.#activity.get(camera);
      const settings = this.#settings.get(camera);
      const cameraConfig = config.cameras[camera];
      sends.push(
        this.#publish(
          topics.camera(camera, 'motion'),
          onOff(running?.motion ?? activity?.motion ?? false),
          true,
        ),
        this.#publishCounts(camera),
        this.#publish(
          topics.camera(camera, 'detect', 'state'),
          onOff(running?.detection_enabled ?? settings?.detect ?? cameraConfig?.detect.enabled ?? false),
          true,
        ),
        this.#publish(
          topics.camera(camera, 'motion', 'state'),
          onOff(running?.motion_enabled ?? settings?.motion ?? cameraConfig?.motion.enabled ?? false),
          true,
        ),
      );
      const face = this.#faces.get(camera);
      if (face) sends.push(this.#publish(topics.camera(camera, 'face'), JSON.stringify(face), true));
    }
    if (this.#siren !== null) {
      const output = alarm.gpio().outputs.find((o) => o.name === this.#siren);
      this.#sirenOn = output && 'active' in output ? output.active : (this.#sirenOn ?? false);
      sends.push(this.#publish(topics.device('siren', 'state'), onOff(this.#sirenOn), true));
    }
    this.#mode = currentMode(this.#context) ?? this.#mode;
    if (this.#mode !== undefined) {
      sends.push(
        this.#publish(topics.device('alarm', 'state'), this.#mode, true),
        this.#publish(
          topics.device('alarm', 'panel'),
          panelState(this.#mode, config.alarm.modes, this.#sirenOn ?? false),
          true,
        ),
      );
    }
    await Promise.all(sends);
    await this.#snapshots.resendAll();
    await this.#publishDeviceState();
  }

  /** Home Assistant's alarm panel: the mode as an arming state, `triggered` while the siren sounds armed. */
  #sendPanel(): void {
    if (this.#mode === undefined) return;
    const state = panelState(this.#mode, this.#context.config.alarm.modes, this.#sirenOn ?? false);
    this.#send(this.#context.topics.device('alarm', 'panel'), state);
  }

  #onActivity(activity: CameraActivity): void {
    if (!this.cameras.includes(activity.camera)) return;
    const previous = this.#activity.get(activity.camera);
    this.#activity.set(activity.camera, activity);
    const { topics } = this.#context;
    if (previous?.motion !== activity.motion)
      this.#send(topics.camera(activity.camera, 'motion'), onOff(activity.motion));
    const counts = JSON.stringify(this.#counts(activity.camera));
    if (counts === this.#sentCounts.get(activity.camera)) return;
    this.#sentCounts.set(activity.camera, counts);
    this.#send(topics.camera(activity.camera, 'objects'), counts);
  }

  #publishCounts(camera: string): Promise<void> {
    const counts = JSON.stringify(this.#counts(camera));
    this.#sentCounts.set(camera, counts);
    return this.#publish(this.#context.topics.camera(camera, 'objects'), counts, true);
  }

  #onSettings(settings: PipelineTopics['camera.settings']): void {
    if (!this.cameras.includes(settings.camera)) return;
    this.#settings.set(settings.camera, { detect: settings.detect_enabled, motion: settings.motion_enabled });
    const { topics } = this.#context;
    this.#send(topics.camera(settings.camera, 'detect', 'state'), onOff(settings.detect_enabled));
    this.#send(topics.camera(settings.camera, 'motion', 'state'), onOff(settings.motion_enabled));
  }

  #onProcessed(event: VigilEvent): void {
    const camera = event.camera;
    if (camera === null || !this.cameras.includes(camera)) return;
    const snapshot = event.data.snapshot;
    if (event.type === 'object_detected' && typeof snapshot === 'string')
      this.#snapshots.offer(camera, snapshot);
    const kind = FACE_TYPES[event.type];
    if (!kind) return;
    const name = typeof event.data.face_name === 'string' ? event.data.face_name : null;
    const score = typeof event.data.face_score === 'number' ? event.data.face_score : event.confidence;
    const face: FaceState = { name, list: kind.list, score, at: new Date(event.timestamp).toISOString() };
    this.#faces.set(camera, face);
    const { topics } = this.#context;
    this.#send(topics.camera(camera, 'face'), JSON.stringify(face));
    // Not retained: HA's event entity ignores retained messages, and an event happens once.
    this.#send(
      topics.camera(camera, 'face/event'),
      JSON.stringify({ event_type: kind.event_type, name, score }),
      false,
    );
  }

  /** Every tracked label's count (0 when none is seen), so HA's count sensors always find their key. */
  #counts(camera: string): Record<string, number> {
    const objects = this.#activity.get(camera)?.objects ?? {};
    const labels = this.#context.config.cameras[camera]?.objects.track ?? [];
    return Object.fromEntries(labels.map((label) => [label, objects[label]?.count ?? 0]));
  }

  async #publishDeviceState(): Promise<void> {
    if (this.#readingFigures) return;
    this.#readingFigures = true;
    try {
      const state = await readDeviceState(this.#context);
      await this.#publish(this.#context.topics.deviceState, JSON.stringify(state), true);
    } catch (err) {
      this.#context.logger.debug({ err }, 'device state not published to MQTT');
    } finally {
      this.#readingFigures = false;
    }
  }

  /** Fire and forget, from bus handlers: an alarm or camera must never wait on the broker. */
  #send(topic: string, payload: string, retain = true): void {
    if (this.#stopped) return;
    this.#publish(topic, payload, retain).catch((err: unknown) =>
      this.#context.logger.debug({ err, topic }, 'state not published to MQTT (sent again on reconnect)'),
    );
  }

  #publish(topic: string, payload: string | Buffer, retain: boolean): Promise<void> {
    return this.#context.connection.publish(topic, payload, { qos: 1, retain });
  }
}

function onOff(on: boolean): 'ON' | 'OFF' {
  return on ? 'ON' : 'OFF';
}

function currentMode(context: MqttContext): string | undefined {
  try {
    return context.alarm.alarm().mode;
  } catch {
    // The alarm is not running (yet): the last mode seen on the bus, if any, is published instead.
    return undefined;
  }
}
