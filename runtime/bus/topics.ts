import type { OutputState } from '../alarm/outputController';
import type { EventInput, Severity, VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import type { TopicPolicies } from './types';

/**
 * The appliance's event map: topic → payload. Every in-process event is declared here so
 * publishers and subscribers agree on payloads at compile time. Areas add their topics here
 * as they are built (the event processor: `event.ingest`; the pipeline: `camera.frame`, …).
 */
export interface AppEvents {
  /** A service changed state; published by the lifecycle runner, shown on the health page. */
  'system.service_state': {
    service: string;
    state: 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
    /** Why it failed, when `state` is `failed`. */
    error?: string;
  };
  /**
   * An event from an in-process producer (the pipeline, a GPIO input). Publish it with
   * `publishAndWaitForHandlers`: that resolves once the event is durable, and rejects if it was invalid.
   */
  'event.ingest': EventInput;
  /** A processed event the rules routed to `web`; the web server streams it to its clients. */
  'event.stream': { event: VigilEvent; decision: Decision };
  /** Switch a GPIO output on because of an event; the actuator applies its pattern, max_on and cooldown. */
  'gpio.command': {
    /** Output name, as under `gpio` in the config. */
    output: string;
    action: 'activate';
    event_id: string;
    /** The event's time (ms since the epoch): a command older than the output's max_on is stale. */
    event_at: number;
    severity: Severity;
    /** Why, for the audit trail: the rules that matched and the event. */
    reason: string;
  };
  /** An output switched on or off (its pattern's toggles included), for live views and MQTT state. */
  'gpio.state': OutputState;
  /** The alarm mode changed (API, MQTT, schedule); already durable. */
  'alarm.mode': { mode: string; previous: string; at: number; actor: string; reason: string };
  /**
   * Every processed event the rules allowed, whatever its routes, with the rules' decision: live
   * views of what happens (MQTT state, Home Assistant, Frigate topics). Dropped under overload;
   * the durable paths are the database and the outbox.
   */
  'event.processed': { event: VigilEvent; decision: Decision; description: string | null };
  /** Detection or motion detection of a camera was switched on or off at run time (API, MQTT). */
  'camera.settings': { camera: string; detect_enabled: boolean; motion_enabled: boolean };
  /** A camera's motion started or stopped, or its tracked objects changed: live state. */
  'camera.activity': CameraActivity;
  /** Cut a clip for an event from the camera's recording ring. */
  'clip.request': { event_id: string; camera: string; incident_id: string | null };
}

/**
 * Overflow policy per topic. Every topic not listed blocks its publisher when a subscriber
 * falls behind, so events are never lost. Only a producer that can afford to lose data
 * declares `drop-oldest` here; camera frames will, e.g.:
 *
 *   'camera.frame': { overflow: 'drop-oldest', capacity: 2 },  // a late frame is worthless; keep the newest
 *
 * Security events (`event.ingest` and the like) must stay `block`.
 */
export const TOPIC_POLICIES: TopicPolicies<AppEvents> = {
  // Live state: each message carries the whole state, so the newest is all that matters.
  'event.processed': { overflow: 'drop-oldest', capacity: 1000 },
  'camera.activity': { overflow: 'drop-oldest', capacity: 64 },
};

/** What a camera sees right now. */
export interface CameraActivity {
  camera: string;
  motion: boolean;
  /** Reported objects by label: all of them, and those not stationary. */
  objects: Record<string, { count: number; active: number }>;
  /** Epoch ms of the frame. */
  at: number;
}
