import { join } from 'node:path';
import { after } from 'node:test';
import type { AlarmState } from '../../../../runtime/alarm/alarmService';
import type { OutputState } from '../../../../runtime/alarm/outputController';
import { type AppEvents, TOPIC_POLICIES } from '../../../../runtime/appTopics';
import { EventBus } from '../../../../runtime/bus/eventBus';
import type { Config } from '../../../../runtime/config/schema/index';
import { Metrics } from '../../../../runtime/metrics/metrics';
import { HomeAssistantFeature } from '../../../../runtime/mqtt/homeassistant/homeAssistantFeature';
import { MqttConnection } from '../../../../runtime/mqtt/mqttConnection';
import type { MqttAlarmPort, MqttContext, MqttPipelinePort } from '../../../../runtime/mqtt/mqttContext';
import type { SyncStatus } from '../../../../runtime/mqtt/sync/syncStatus';
import { VigilTopics } from '../../../../runtime/mqtt/vigilTopics';
import type { PipelineStats } from '../../../../runtime/pipeline/pipelineStats';
import { StoreService } from '../../../../runtime/store/storeService';
import { memoryLogger } from '../../../helpers/memoryLogger';
import { valid } from '../../config/helpers';

/** What the tests can change in the small stand-ins for the pipeline, the alarm and the sync. */
export interface KitState {
  stats: PipelineStats;
  mode: string;
  outputs: OutputState[];
  sync: SyncStatus;
}

/**
 * The Home Assistant feature on real parts: a real MqttConnection to `brokerUrl`, a real event
 * bus, a real store (the file survives `stop`, for restarts). The pipeline, alarm and sync are
 * small objects whose figures the test sets in `state`.
 */
export async function haKit(options: { brokerUrl: string; yaml: string; dbFile: string }) {
  const config: Config = valid(options.yaml);
  const { logger, lines } = memoryLogger();
  const store = new StoreService({
    file: options.dbFile,
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger,
  });
  await store.start();
  const bus = new EventBus<AppEvents>({ policies: TOPIC_POLICIES, onHandlerError: () => undefined });
  const topics = new VigilTopics(config.mqtt.topic_prefix, config.device.id);
  const state: KitState = {
    stats: {
      cameras: {},
      detectors: {},
      faces: { enabled: false, recognition_speed: null },
      service: { uptime: 0, version: 'test' },
    },
    mode: config.alarm.mode,
    outputs: [],
    sync: {
      backlog: 3,
      backlog_bytes: 300,
      oldest_age_seconds: 42.4,
      last_ack_at: null,
      acked: 0,
      dropped: 0,
    },
  };
  const pipeline: MqttPipelinePort = {
    stats: () => state.stats,
    cameraNames: () => Object.keys(config.cameras),
    latestSnapshot: async () => null,
    tune: () => null,
  };
  const alarm: MqttAlarmPort = {
    alarm: (): AlarmState => ({
      mode: state.mode,
      modes: config.alarm.modes,
      disarmed: state.mode === config.alarm.modes[0],
      changed_at: null,
      changed_by: null,
      schedules: [],
    }),
    gpio: () => ({ outputs: state.outputs, inputs: [] }),
    setMode: async () => {
      throw new Error('not in this test');
    },
    drive: async () => {
      throw new Error('not in this test');
    },
  };
  let feature: HomeAssistantFeature | undefined;
  const connection = new MqttConnection({
    config: { ...config.mqtt, url: options.brokerUrl },
    clientId: `vigil-${config.device.id}`,
    maxPacketBytes: 1024 * 1024,
    availabilityTopic: topics.available,
    logger,
    onConnect: () => feature?.onConnect(),
  });
  const owner = {};
  const context: MqttContext = {
    config,
    connection,
    topics,
    bus,
    store,
    pipeline,
    alarm,
    events: { ingestBatch: () => Promise.reject(new Error('no event ingest in the Home Assistant tests')) },
    board: {
      model: 'Test Board Rev 1',
      arch: 'x64',
      cpuTemperatureC: null,
      family: 'generic',
      accelerators: [],
    },
    version: '9.9.9-test',
    logger,
    metrics: new Metrics(),
    sync: () => state.sync,
    owner,
  };
  feature = new HomeAssistantFeature(context, { hostname: 'vigil-test.local' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    bus.removeOwner(owner);
    await feature?.stop();
    await connection.stop();
    await bus.drain();
    bus.close();
    await store.stop();
  };
  after(stop);
  /** Starts the feature, then connects, and resolves once the first announcement is done. */
  const start = async () => {
    await feature?.start();
    connection.start();
    await until(
      () => feature?.health().homeassistant,
      (h) => (h as { announced_at: number | null }).announced_at !== null,
    );
  };
  return { config, context, feature, connection, bus, store, state, topics, lines, start, stop };
}

/** Polls `read` until `ok` holds (for figures that have no event to await), at most `timeoutMs`. */
export async function until<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function dbFileIn(dir: string): string {
  return join(dir, 'vigil.db');
}
