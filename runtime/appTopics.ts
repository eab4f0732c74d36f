import type { AlarmTopics } from './alarm/alarmTopics';
import type { TopicPolicies } from './bus/types';
import { EVENT_TOPIC_POLICIES, type EventTopics } from './events/eventTopics';
import type { LifecycleTopics } from './lifecycle/lifecycleTopics';
import { PIPELINE_TOPIC_POLICIES, type PipelineTopics } from './pipeline/pipelineTopics';

/**
 * The appliance's event map, topic → payload: every area declares its own topics beside its code
 * (events/eventTopics.ts, alarm/alarmTopics.ts, pipeline/pipelineTopics.ts,
 * lifecycle/lifecycleTopics.ts) and takes a bus typed with the maps it uses; the composition root
 * joins them into the one bus.
 */
export type AppEvents = LifecycleTopics & EventTopics & AlarmTopics & PipelineTopics;

/**
 * Overflow policy per topic. Every topic not listed blocks its publisher when a subscriber falls
 * behind, so events are never lost; only live state that the next message replaces is dropped.
 */
export const TOPIC_POLICIES: TopicPolicies<AppEvents> = {
  ...EVENT_TOPIC_POLICIES,
  ...PIPELINE_TOPIC_POLICIES,
};
