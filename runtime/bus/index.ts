export { childOf } from './delivery';
export { BusClosedError, DeliveryDroppedError } from './errors';
export { EventBus } from './eventBus';
export { type AppEvents, TOPIC_POLICIES } from './topics';
export type {
  AnyEnvelope,
  BusStats,
  DropInfo,
  DropReason,
  Envelope,
  EventBusOptions,
  Handler,
  OverflowPolicy,
  Owner,
  PublishOptions,
  SubscribeOptions,
  SubscriptionStats,
  Topic,
  TopicPolicies,
  TopicPolicy,
  TopicStats,
  Unsubscribe,
} from './types';
