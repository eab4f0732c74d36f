import type { OutputState } from './outputController';

/** What the alarm announces: its outputs and its mode. */
export interface AlarmTopics {
  /** An output switched on or off (its pattern's toggles included), for live views and MQTT state. */
  'gpio.state': OutputState;
  /** The alarm mode changed (API, MQTT, schedule); already durable. */
  'alarm.mode': { mode: string; previous: string; at: number; actor: string; reason: string };
}
