import type { TopicPolicies } from '../bus/types';
import type { EventInput, Severity, VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';

/** Switch a GPIO output on because of an event; the actuator applies its pattern, max_on and cooldown. */
export interface GpioCommand {
  /** Output name, as under `gpio` in the config. */
  output: string;
  action: 'activate';
  event_id: string;
  /** The event's time (ms since the epoch): a command older than the output's max_on is stale. */
  event_at: number;
  severity: Severity;
  /** Why, for the audit trail: the rules that matched and the event. */
  reason: string;
}

/** Cut a clip for an event from the camera's recording ring. */
interface ClipRequest {
  event_id: string;
  camera: string;
  incident_id: string | null;
}

/** The topics of the event processor: what it takes in, and what its routes hand on. */
export interface EventTopics {
  /**
   * An event from an in-process producer (the pipeline, a GPIO input, a system notice). Publish it
   * with `publishAndWaitForHandlers`: that resolves once the event is durable, and rejects if it
   * was invalid.
   */
  'event.ingest': EventInput;
  /** A processed event the rules routed to `web`; the web server streams it to its clients. */
  'event.stream': { event: VigilEvent; decision: Decision };
  /**
   * Every processed event the rules allowed, whatever its routes, with the rules' decision: live
   * views of what happens (MQTT state, Home Assistant, Frigate topics). Dropped under overload;
   * the durable paths are the database and the outbox.
   */
  'event.processed': { event: VigilEvent; decision: Decision; description: string | null };
  /** The `gpio:<output>` route: the alarm switches the output on. */
  'gpio.command': GpioCommand;
  /** The `clip` route: media cuts the clip. */
  'clip.request': ClipRequest;
}

/** Live state may be dropped under overload; security events (`event.ingest`…) always block. */
export const EVENT_TOPIC_POLICIES: TopicPolicies<EventTopics> = {
  // Each message is a live view; the durable paths are the database and the outbox.
  'event.processed': { overflow: 'drop-oldest', capacity: 1000 },
};
