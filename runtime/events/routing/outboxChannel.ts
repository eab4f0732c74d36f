import type { RoutingRecorder } from '../routingOps';
import type { StagedChannel } from './channel';

/**
 * `mqtt`: the event goes into the SQLite outbox, in the transaction that stores the rules'
 * decision (as a row of the routing batch, see `RoutingRecorder`), and the MQTT sync sends it to the central server from there. With MQTT off the
 * channel takes nothing and says why, so the default rules can route everything to `mqtt`.
 */
export function outboxChannel(
  routing: Pick<RoutingRecorder, 'addToOutbox'>,
  enabled: boolean,
): StagedChannel {
  return {
    name: 'mqtt',
    stage(event, decision, description, at) {
      if (!enabled) return { skipped: 'mqtt is not enabled' };
      routing.addToOutbox(event, decision, description, at);
      return undefined;
    },
  };
}
