import type { AlarmTopics } from '../../alarm/alarmTopics';
import type { EventView } from '../../events/eventTable';
import type { LifecycleTopics } from '../../lifecycle/lifecycleTopics';
import type { PipelineTopics } from '../../pipeline/pipelineTopics';
import type { Decision } from '../../rules/decision';

/**
 * What `GET /api/v1/ws` sends: one JSON text message per frame. Every message but `hello` has a
 * `seq` one higher than the previous message of the same stream; a client resumes by
 * reconnecting with `?stream=<hello.stream>&after=<last seq it handled>`.
 */

/** First message on every connection. `seq` is the newest message's seq so far (0 if none). */
export interface HelloMessage {
  type: 'hello';
  /** Random per process start: a different one means the server restarted and nothing can be resumed. */
  stream: string;
  seq: number;
  /** true: the missed messages follow; false: refetch lists over REST, then apply live messages. */
  resumed: boolean;
}

/** A processed event the rules routed to `web`; `event` is shaped as in `GET /api/v1/events`. */
export interface EventMessage {
  type: 'event';
  seq: number;
  event: EventView;
  decision: Decision;
}

/** The bus topics the live stream forwards: processed events and the state of every area. */
export type LiveStreamTopics = LifecycleTopics & AlarmTopics & PipelineTopics;

/** Bus topics streamed as `state` messages, and the `topic` name each is sent under. */
export const STATE_TOPICS = {
  'alarm.mode': 'alarm.mode',
  'gpio.state': 'gpio.state',
  'camera.settings': 'camera.settings',
  'camera.activity': 'camera.activity',
  'system.service_state': 'service',
} as const satisfies Record<keyof LiveStreamTopics, string>;

export type StateBusTopic = keyof typeof STATE_TOPICS;
type StateTopic = (typeof STATE_TOPICS)[StateBusTopic];

/** A state change: `payload` is the bus payload of the topic as is. */
export interface StateMessage {
  type: 'state';
  seq: number;
  topic: StateTopic;
  payload: unknown;
}

/** A message before the hub numbers it. */
export type UnsequencedMessage = Omit<EventMessage, 'seq'> | Omit<StateMessage, 'seq'>;

/** Close codes the server uses. */
export const CLOSE_CODES = {
  /** The client fell more than `http.stream.client_buffer_kb` behind; reconnect and resume. */
  tooSlow: 4008,
  /** `http.stream.max_clients` are connected already. */
  tryAgainLater: 1013,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
