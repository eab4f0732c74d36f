import type { Bus } from '../../bus/eventBus';
import type { Unsubscribe } from '../../bus/types';
import type { EventTopics } from '../../events/eventTopics';
import type { EventViewer } from './eventViews';
import type { LiveStreamHub } from './liveStreamHub';
import { type LiveStreamTopics, STATE_TOPICS, type StateBusTopic } from './streamMessages';

/**
 * Feeds the hub from the bus: every `event.stream` (events the rules routed to `web`) as an
 * `event` message, and the state topics as `state` messages. The handlers never wait: the hub
 * only serializes and hands the frame to each socket, so the event processor is never held up.
 */
export function feedFromBus(
  bus: Bus<EventTopics & LiveStreamTopics>,
  hub: LiveStreamHub,
  view: EventViewer,
): Unsubscribe {
  const owner = hub;
  bus.on(owner, 'event.stream', ({ payload }) => {
    hub.publish({ type: 'event', event: view(payload.event, payload.decision), decision: payload.decision });
  });
  for (const topic of Object.keys(STATE_TOPICS) as StateBusTopic[]) {
    bus.on(owner, topic, ({ payload }) => {
      hub.publish({ type: 'state', topic: STATE_TOPICS[topic], payload });
    });
  }
  return () => bus.removeOwner(owner);
}
