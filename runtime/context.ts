import type { BoardInfo } from '../hal/board/index';
import type { AlarmService } from './alarm/alarmService';
import type { AppEvents } from './appTopics';
import type { EventBus } from './bus/eventBus';
import type { Config } from './config/schema/index';
import type { EventsService } from './events/eventsService';
import type { LoggerFactory } from './logging/logger';
import type { Metrics } from './metrics/metrics';
import type { PipelineService } from './pipeline/pipelineService';
import type { StoreService } from './store/storeService';
import type { WebServer } from './web/webServer';

/**
 * Everything a service may use, built once by the composition root and passed down
 * (Node-RED's `init(runtime)` pattern): no module reaches for a global.
 */
export interface AppContext {
  readonly config: Config;
  readonly version: string;
  readonly startedAt: number;
  readonly board: BoardInfo;
  readonly logging: LoggerFactory;
  readonly metrics: Metrics;
  readonly bus: EventBus<AppEvents>;
  readonly store: StoreService;
  readonly events: EventsService;
  readonly alarm: AlarmService;
  readonly web: WebServer;
  readonly pipeline: PipelineService;
}
