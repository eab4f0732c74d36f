import type { Logger } from '../../base/logger';
import type { BoardDetails } from '../../hal/board/accelerators';
import type { AlarmService } from '../alarm/alarmService';
import type { AlarmTopics } from '../alarm/alarmTopics';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { EventsService } from '../events/eventsService';
import type { EventTopics } from '../events/eventTopics';
import type { Metrics } from '../metrics/metrics';
import type { PipelineService } from '../pipeline/pipelineService';
import type { PipelineTopics } from '../pipeline/pipelineTopics';
import type { StoreService } from '../store/storeService';
import type { MqttConnection } from './mqttConnection';
import type { SyncStatus } from './sync/syncStatus';
import type { VigilTopics } from './vigilTopics';

/** The bus topics the MQTT features follow: processed events, alarm state, camera state. */
export type MqttTopics = EventTopics & AlarmTopics & PipelineTopics;

/** What MQTT needs of the cameras: their figures, run-time tuning and latest picture. */
export type MqttPipelinePort = Pick<PipelineService, 'stats' | 'cameraNames' | 'latestSnapshot' | 'tune'>;

/** What MQTT needs of the event processor: batch ingest for the signed ingest topic. */
export type MqttEventsPort = Pick<EventsService, 'ingestBatch'>;

/** What MQTT needs of the alarm: its mode, outputs, and the commands that change them. */
export type MqttAlarmPort = Pick<AlarmService, 'alarm' | 'setMode' | 'drive' | 'gpio'>;

/**
 * Everything an MQTT feature (sync, Home Assistant, Frigate topics, commands) works with.
 * Features publish through `connection` and subscribe to the bus under `owner`.
 */
export interface MqttContext {
  config: Config;
  connection: MqttConnection;
  topics: VigilTopics;
  bus: Bus<MqttTopics>;
  store: StoreService;
  pipeline: MqttPipelinePort;
  alarm: MqttAlarmPort;
  events: MqttEventsPort;
  board: BoardDetails;
  version: string;
  logger: Logger;
  metrics: Metrics;
  /** The outbox backlog and the sync's progress (for HA sensors and health). */
  sync(): SyncStatus;
  /** Owner of bus subscriptions: removed together at stop. */
  owner: object;
}

/** One part of the MQTT link; the service starts them in order and calls `onConnect` after every connect. */
export interface MqttFeature {
  /** Subscribes to its MQTT and bus topics. */
  start(): void | Promise<void>;
  /** After every (re)connect: publish the full state again (retained topics, discovery). */
  onConnect?(): void;
  stop?(): void | Promise<void>;
  health?(): Record<string, unknown>;
}
