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
export const TOPIC_POLICIES: TopicPolicies<AppEvents> = {};
