import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { type AppEvents, TOPIC_POLICIES } from '../../../../runtime/appTopics';
import { EventBus } from '../../../../runtime/bus/eventBus';
import type { Config } from '../../../../runtime/config/index';
import { loadConfig } from '../../../../runtime/config/index';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import { FrigateFeature } from '../../../../runtime/mqtt/frigate/frigateFeature';
import { MqttConnection } from '../../../../runtime/mqtt/mqttConnection';
import type { MqttPipelinePort } from '../../../../runtime/mqtt/mqttContext';
import { VigilTopics } from '../../../../runtime/mqtt/vigilTopics';
import type { PipelineStats } from '../../../../runtime/pipeline/pipelineStats';
import type { Decision } from '../../../../runtime/rules/decision';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { type Broker, startBroker } from '../../../helpers/mosquitto';
import { MqttObserver, retainedUnder, type Seen } from '../../../helpers/mqttObserver';
import { tempDir } from '../../../helpers/tempDir';

/** Every field of a tracked object in Frigate's `frigate/events` before/after, as tracked_object.py `to_dict` has them. */
const FRIGATE_OBJECT_FIELDS = [
  'id',
  'camera',
  'frame_time',
  'snapshot',
  'label',
  'sub_label',
  'top_score',
  'false_positive',
  'start_time',
  'end_time',
  'score',
  'box',
  'area',
  'ratio',
  'region',
  'active',
  'stationary',
  'motionless_count',
  'position_changes',
  'current_zones',
  'entered_zones',
  'has_clip',
  'has_snapshot',
  'attributes',
  'current_attributes',
  'pending_loitering',
  'max_severity',
  'current_estimated_speed',
  'average_estimated_speed',
  'velocity_angle',
  'path_data',
  'recognized_license_plate',
  'recognized_license_plate_score',
].sort();

const WIDTH = 640;
const HEIGHT = 360;
const SNAPSHOT = 'snapshots/2024-05-01/front-obj-1.jpg';

type FrigateObject = Record<string, unknown>;
interface FrigateMessage {
  type: string;
  before: FrigateObject;
  after: FrigateObject;
}

/** Seconds since the epoch (not milliseconds): a float around now. */
function isEpochSeconds(value: unknown): boolean {
  return typeof value === 'number' && value > 1e9 && value < 1e10;
}

function isPixelBox(value: unknown): value is [number, number, number, number] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((v) => Number.isInteger(v) && v >= 0) &&
    value[0] <= value[2] &&
    value[1] <= value[3] &&
    value[2] <= WIDTH &&
    value[3] <= HEIGHT
  );
}

/** Asserts every field Frigate publishes, with Frigate's type, and nothing else. */
function assertFrigateObject(o: FrigateObject, where: string): void {
  assert.deepEqual(Object.keys(o).sort(), FRIGATE_OBJECT_FIELDS, `${where}: the field set`);
  const is = (ok: boolean, field: string) => assert.ok(ok, `${where}.${field} = ${JSON.stringify(o[field])}`);
  is(typeof o.id === 'string' && o.id.length > 0, 'id');
  is(o.camera === 'front', 'camera');
  is(isEpochSeconds(o.frame_time), 'frame_time');
  if (o.snapshot !== null) {
    const s = o.snapshot as Record<string, unknown>;
    assert.deepEqual(Object.keys(s).sort(), ['area', 'attributes', 'box', 'frame_time', 'region', 'score']);
    is(isEpochSeconds(s.frame_time), 'snapshot.frame_time');
    is(isPixelBox(s.box) && isPixelBox(s.region), 'snapshot.box/region');
    is(Number.isInteger(s.area) && typeof s.score === 'number' && Array.isArray(s.attributes), 'snapshot');
  }
  is(typeof o.label === 'string', 'label');
  is(
    o.sub_label === null ||
      (Array.isArray(o.sub_label) &&
        o.sub_label.length === 2 &&
        typeof o.sub_label[0] === 'string' &&
        typeof o.sub_label[1] === 'number'),
    'sub_label',
  );
  for (const field of ['top_score', 'score', 'ratio', 'current_estimated_speed', 'average_estimated_speed']) {
    is(typeof o[field] === 'number' && Number.isFinite(o[field]), field);
  }
  is(typeof o.velocity_angle === 'number', 'velocity_angle');
  for (const field of [
    'false_positive',
    'active',
    'stationary',
    'has_clip',
    'has_snapshot',
    'pending_loitering',
  ]) {
    is(typeof o[field] === 'boolean', field);
  }
  is(o.active === !o.stationary, 'active');
  is(isEpochSeconds(o.start_time), 'start_time');
  is(o.end_time === null || isEpochSeconds(o.end_time), 'end_time');
  is(isPixelBox(o.box), 'box');
  is(isPixelBox(o.region), 'region');
  const box = o.box as number[];
  const region = o.region as number[];
  is(o.area === ((box[2] ?? 0) - (box[0] ?? 0)) * ((box[3] ?? 0) - (box[1] ?? 0)), 'area');
  is((region[2] ?? 0) - (region[0] ?? 0) === (region[3] ?? 0) - (region[1] ?? 0), 'region (square)');
  is(Number.isInteger(o.motionless_count) && Number.isInteger(o.position_changes), 'motionless_count');
  for (const field of ['current_zones', 'entered_zones']) {
    is(Array.isArray(o[field]) && (o[field] as unknown[]).every((z) => typeof z === 'string'), field);
  }
  is(
    typeof o.attributes === 'object' &&
      o.attributes !== null &&
      !Array.isArray(o.attributes) &&
      Object.values(o.attributes).every((v) => typeof v === 'number'),
    'attributes',
  );
  is(Array.isArray(o.current_attributes), 'current_attributes');
  is(o.max_severity === null || o.max_severity === 'alert' || o.max_severity === 'detection', 'max_severity');
  is(Array.isArray(o.path_data), 'path_data');
  is(o.recognized_license_plate === null || typeof o.recognized_license_plate === 'string', 'plate');
  is(
    o.recognized_license_plate_score === null || typeof o.recognized_license_plate_score === 'number',
    'plate score',
  );
}

/** The shared observer, subscribed to `filter`. */
async function watch(url: string, filter: string): Promise<MqttObserver> {
  const observer = await MqttObserver.connect(url);
  await observer.subscribe(filter);
  return observer;
}

function text(message: Seen): string {
  return message.payload.toString('utf8');
}

/** The first message on `topic` from index `since` on. */
function nextOn(observer: MqttObserver, topic: string, since = 0, timeoutMs = 5000): Promise<Seen> {
  return observer.next((m) => m.topic === topic, timeoutMs, since);
}

function event(overrides: Partial<VigilEvent> & { data?: Record<string, unknown> }): VigilEvent {
  const now = Date.now();
  return {
    id: `ev-${Math.random().toString(36).slice(2)}`,
    type: 'object_detected',
    timestamp: now,
    receivedAt: now,
    source: 'pipeline',
    camera: 'front',
    zones: [],
    label: 'person',
    objectId: 'obj-1',
    confidence: 0.8,
    box: [0.1, 0.2, 0.3, 0.8],
    correlationId: 'corr-1',
    parentId: null,
    severity: 'medium',
    fingerprint: 'fp',
    incidentId: 'inc-1',
    ...overrides,
    data: { ...overrides.data },
  };
}

const DECISION: Decision = {
  allowed: true,
  severity: 'high',
  routes: ['web', 'clip', 'mqtt'],
  tags: [],
  set: {},
  matched: ['default'],
};

function stats(detectEnabled: boolean): PipelineStats {
  return {
    cameras: {
      front: {
        camera_fps: 5,
        process_fps: 4.9,
        skipped_fps: 0.1,
        detection_fps: 1.5,
        online: true,
        motion: false,
        tracked_objects: 0,
        detection_enabled: detectEnabled,
        motion_enabled: true,
        offline_reason: null,
      },
    },
    detectors: {
      default: { type: 'wasm', inference_speed: 42.5, instances: 1, regions_running: 0, regions_skipped: 0 },
    },
    faces: { enabled: true, recognition_speed: 12 },
    service: { uptime: 12, version: 'test' },
  };
}

// Async body: the broker (and its temporary directory) must live as long as the suite, not just a hook.
describe('Frigate-compatible topics against a real broker', async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const broker: Broker = await startBroker();
  let config: Config;
  let connection: MqttConnection;
  let feature: FrigateFeature;
  // Made here, not in a hook: the shared observer closes itself when the suite ends.
  let observer = await watch(broker.url, 'frigate/#');
  let jpeg: Buffer;
  const bus = new EventBus<AppEvents>({
    policies: TOPIC_POLICIES,
    onHandlerError: (err) => assert.fail(`bus handler failed: ${String(err)}`),
  });
  const detect = { enabled: false };
  const pipeline: MqttPipelinePort = {
    cameraNames: () => ['front'],
    stats: () => stats(detect.enabled),
    latestSnapshot: async () => null,
    tune: () => null,
  };

  const processed = async (e: VigilEvent) => {
    await bus.publish('event.processed', { event: e, decision: DECISION, description: null });
  };
  const nextEvent = async (since: number, match: (m: FrigateMessage) => boolean): Promise<FrigateMessage> => {
    const received = await observer.next(
      (m) => m.topic === 'frigate/events' && match(JSON.parse(text(m)) as FrigateMessage),
      5000,
      since,
    );
    return JSON.parse(text(received)) as FrigateMessage;
  };
  const value = async (topic: string, since: number) => text(await nextOn(observer, topic, since));

  before(async () => {
    mkdirSync(join(dataDir, 'snapshots', '2024-05-01'), { recursive: true });
    jpeg = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 20, b: 20 } },
    })
      .jpeg()
      .toBuffer();
    writeFileSync(join(dataDir, SNAPSHOT), jpeg);
    const loaded = loadConfig({
      env: {},
      text: [
        'device: { id: porch, name: Porch }',
        `data_dir: ${dataDir}`,
        'cameras:',
        '  front:',
        '    source: { driver: sim }',
        `    detect: { width: ${WIDTH}, height: ${HEIGHT}, fps: 5, enabled: false }`,
        '    objects: { track: [person, car] }',
        '    record: { enabled: true }',
        `mqtt: { enabled: true, url: '${broker.url}', frigate_compat: true, qos: 1 }`,
      ].join('\n'),
    });
    assert.ok(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.errors));
    config = loaded.config;
    const { logger } = memoryLogger();
    const topics = new VigilTopics(config.mqtt.topic_prefix, config.device.id);
    connection = new MqttConnection({
      config: config.mqtt,
      clientId: 'vigil-porch',
      maxPacketBytes: 1024 * 1024,
      availabilityTopic: topics.available,
      logger,
      onConnect: () => feature.onConnect(),
    });
    feature = new FrigateFeature(
      { config, connection, bus, pipeline, logger, owner: {} },
      { statsIntervalMs: 300 },
    );
    feature.start();
    connection.start();
    await observer.next((m) => m.topic === 'frigate/available' && text(m) === 'online');
  });

  after(async () => {
    await feature.stop();
    await connection.stop();
    await observer.end();
    bus.close();
    await broker.stop();
  });

  it('says it is available and publishes every camera setting, motion and zero counts on connect', async () => {
    const at = 0;
    assert.equal(await value('frigate/front/detect/state', at), 'OFF', 'detection is off in the config');
    assert.equal(await value('frigate/front/motion/state', at), 'ON');
    assert.equal(await value('frigate/front/recordings/state', at), 'ON');
    assert.equal(await value('frigate/front/snapshots/state', at), 'ON');
    assert.equal(await value('frigate/front/motion', at), 'OFF');
    for (const topic of ['person', 'person/active', 'car', 'car/active', 'all', 'all/active']) {
      assert.equal(await value(`frigate/front/${topic}`, at), '0', topic);
    }
  });

  it('publishes new, update and end with Frigate fields and types, and the snapshot JPEG retained', async () => {
    const since = observer.messages.length;
    const start = Date.now() - 2000;
    const data = { start_time: start, top_score: 0.85, stationary: false, entered_zones: ['porch'] };
    await processed(
      event({
        zones: ['porch'],
        data: { ...data, phase: 'new', snapshot: SNAPSHOT },
        timestamp: start + 500,
      }),
    );
    const created = await nextEvent(since, (m) => m.type === 'new');
    assertFrigateObject(created.before, 'new.before');
    assertFrigateObject(created.after, 'new.after');
    assert.equal(created.before.false_positive, true, 'before a new object Frigate still doubted it');
    assert.equal(created.after.false_positive, false);
    assert.equal(created.after.id, 'obj-1');
    assert.equal(created.after.label, 'person');
    assert.deepEqual(created.after.box, [64, 72, 192, 288], 'box in pixels of the 640x360 detect size');
    assert.equal(created.after.area, 128 * 216);
    assert.equal(created.after.score, 0.8);
    assert.equal(created.after.top_score, 0.85);
    assert.equal(created.after.start_time, start / 1000);
    assert.equal(created.after.frame_time, (start + 500) / 1000);
    assert.equal(created.after.end_time, null);
    assert.deepEqual(created.after.current_zones, ['porch']);
    assert.deepEqual(created.after.entered_zones, ['porch']);
    assert.equal(created.after.has_snapshot, true);
    assert.equal(created.after.has_clip, true, 'recording on and the rules asked for a clip');
    assert.equal(created.after.max_severity, 'alert');
    assert.equal(created.after.sub_label, null);
    assert.notEqual(created.after.snapshot, null);

    const snapshot = await nextOn(observer, 'frigate/front/person/snapshot', since);
    assert.ok(snapshot.payload.equals(jpeg), 'the snapshot topic carries the stored JPEG');
    assert.equal(snapshot.payload.subarray(0, 2).toString('hex'), 'ffd8');

    const moved = observer.messages.length;
    await processed(
      event({
        box: [0.2, 0.2, 0.4, 0.9],
        confidence: 0.9,
        data: { ...data, phase: 'update', top_score: 0.9, stationary: true, snapshot: SNAPSHOT },
        timestamp: start + 1500,
      }),
    );
    const updated = await nextEvent(moved, (m) => m.type === 'update');
    assertFrigateObject(updated.before, 'update.before');
    assertFrigateObject(updated.after, 'update.after');
    assert.deepEqual(updated.before, created.after, "before is the previous message's after");
    assert.equal(updated.after.stationary, true);
    assert.equal(updated.after.active, false);
    assert.equal(updated.after.top_score, 0.9);
    assert.equal(
      observer.messages.slice(moved).filter((m) => m.topic === 'frigate/front/person/snapshot').length,
      0,
      'same file: not sent again',
    );

    const ending = observer.messages.length;
    await processed(event({ data: { ...data, phase: 'end', snapshot: SNAPSHOT }, timestamp: start + 3000 }));
    const ended = await nextEvent(ending, (m) => m.type === 'end');
    assertFrigateObject(ended.before, 'end.before');
    assertFrigateObject(ended.after, 'end.after');
    assert.deepEqual(ended.before, updated.after);
    assert.equal(ended.after.end_time, (start + 3000) / 1000);
    assert.equal(ended.after.position_changes, 2, 'it moved again after standing still');
    assert.deepEqual(feature.health(), {
      frigate: {
        prefix: 'frigate',
        tracked_objects: 0,
        events: 3,
        snapshots: 1,
        face_updates: 0,
        failed: 0,
      },
    });
  });

  it('publishes a face result on tracked_object_update and as the person’s sub_label', async () => {
    const since = observer.messages.length;
    const start = Date.now();
    await processed(
      event({ objectId: 'obj-2', data: { phase: 'new', start_time: start, stationary: false } }),
    );
    await nextEvent(since, (m) => m.after.id === 'obj-2');

    const known = observer.messages.length;
    await processed(
      event({
        type: 'face_known',
        objectId: 'obj-2',
        confidence: 0.74,
        box: [0.15, 0.2, 0.2, 0.3],
        data: { face_name: 'alice', face_list: 'known', face_score: 0.74 },
      }),
    );
    const update = JSON.parse(text(await nextOn(observer, 'frigate/tracked_object_update', known)));
    assert.deepEqual(Object.keys(update).sort(), ['camera', 'id', 'name', 'score', 'timestamp', 'type']);
    assert.equal(update.type, 'face');
    assert.equal(update.name, 'alice');
    assert.equal(update.score, 0.74);
    assert.equal(update.id, 'obj-2');
    assert.equal(update.camera, 'front');
    assert.ok(isEpochSeconds(update.timestamp));
    const named = await nextEvent(known, (m) => m.after.id === 'obj-2' && m.type === 'update');
    assertFrigateObject(named.after, 'face update.after');
    assert.deepEqual(named.after.sub_label, ['alice', 0.74]);
    assert.deepEqual(named.after.attributes, { face: 0.74 });
    assert.deepEqual(named.after.current_attributes, [
      { label: 'face', box: [96, 72, 128, 108], score: 0.74 },
    ]);

    const unknown = observer.messages.length;
    await processed(
      event({
        type: 'face_unknown',
        objectId: 'obj-3',
        data: { face_name: null, face_list: 'unknown', face_score: 0.3 },
      }),
    );
    const stranger = JSON.parse(text(await nextOn(observer, 'frigate/tracked_object_update', unknown)));
    assert.equal(stranger.name, null, 'an unknown face has no name');
    assert.equal(stranger.score, 0.3);
  });

  it('counts objects and follows motion from camera activity', async () => {
    const since = observer.messages.length;
    await bus.publish('camera.activity', {
      camera: 'front',
      motion: true,
      objects: { person: { count: 2, active: 1 } },
      at: Date.now(),
    });
    assert.equal(await value('frigate/front/motion', since), 'ON');
    assert.equal(await value('frigate/front/person', since), '2');
    assert.equal(await value('frigate/front/person/active', since), '1');
    assert.equal(await value('frigate/front/all', since), '2');
    assert.equal(await value('frigate/front/all/active', since), '1');

    const quiet = observer.messages.length;
    await bus.publish('camera.activity', { camera: 'front', motion: false, objects: {}, at: Date.now() });
    assert.equal(await value('frigate/front/motion', quiet), 'OFF');
    assert.equal(await value('frigate/front/person', quiet), '0');
    assert.equal(await value('frigate/front/all/active', quiet), '0');
    await sleep(100);
    assert.equal(
      observer.messages.slice(since).filter((m) => m.topic === 'frigate/front/car').length,
      0,
      'unchanged counts are not sent again',
    );
  });

  it('publishes detect and motion state when a camera setting changes', async () => {
    const since = observer.messages.length;
    await bus.publish('camera.settings', { camera: 'front', detect_enabled: true, motion_enabled: false });
    assert.equal(await value('frigate/front/detect/state', since), 'ON');
    assert.equal(await value('frigate/front/motion/state', since), 'OFF');
  });

  it('publishes the stats in the /api/stats shape', async () => {
    const since = observer.messages.length;
    const published = JSON.parse(text(await nextOn(observer, 'frigate/stats', since, 3000)));
    assert.deepEqual(published.cameras.front, stats(false).cameras.front);
    assert.equal(published.detection_fps, 1.5);
    assert.equal(published.detectors.default.inference_speed, 42.5);
    assert.equal(published.service.version, 'test');
    assert.equal(published.service.uptime, 12);
    assert.ok(
      Number.isInteger(published.service.last_updated) && isEpochSeconds(published.service.last_updated),
    );
  });

  it('retains what Frigate retains, and only that', async () => {
    const held = await retainedUnder(broker.url, 'frigate/#');
    assert.deepEqual([...held.keys()].sort(), [
      'frigate/available',
      'frigate/front/detect/state',
      'frigate/front/enabled/state',
      'frigate/front/motion/state',
      'frigate/front/person/snapshot',
      'frigate/front/recordings/state',
      'frigate/front/snapshots/state',
    ]);
    assert.ok(held.get('frigate/front/person/snapshot')?.equals(readFileSync(join(dataDir, SNAPSHOT))));
  });

  it('publishes everything again after the broker comes back', async () => {
    await broker.stop();
    await broker.start();
    const again = await watch(broker.url, 'frigate/#');
    await again.next((m) => m.topic === 'frigate/available' && text(m) === 'online', 15_000);
    const snapshot = await nextOn(again, 'frigate/front/person/snapshot');
    assert.ok(snapshot.payload.equals(jpeg), 'the retained snapshot is restored');
    assert.equal(text(await nextOn(again, 'frigate/front/person')), '0');
    assert.equal(text(await nextOn(again, 'frigate/front/motion')), 'OFF');
    await again.end();
  });

  it('says offline when it stops', async () => {
    // The first observer went with the broker; watch with a new one.
    await observer.end();
    observer = await watch(broker.url, 'frigate/available');
    assert.equal(await value('frigate/available', 0), 'online');
    const watching = observer.messages.length;
    await feature.stop();
    assert.equal(await value('frigate/available', watching), 'offline');
  });
});
