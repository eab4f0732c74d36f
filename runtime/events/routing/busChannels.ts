import type { Bus } from '../../bus/eventBus';
import type { VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';
import type { EventTopics } from '../eventTopics';
import { type Channel, ChannelError } from './channel';

/** The part of the bus the channels use. */
export type Publisher = Pick<Bus<EventTopics>, 'publish'>;

// One correlation id from camera to siren, so the audit trail can follow an event through the bus.
function options(event: VigilEvent) {
  return { correlationId: event.correlationId };
}

/** `web`: publishes `event.stream` for the web server's live stream. */
function webChannel(bus: Publisher): Channel {
  return {
    name: 'web',
    live: true,
    async deliver(event, decision) {
      await bus.publish('event.stream', { event, decision }, options(event));
    },
  };
}

function reason(event: VigilEvent, decision: Decision): string {
  const where = event.camera === null ? '' : ` on ${event.camera}`;
  return `${event.type}${where}, rules: ${decision.matched.join(', ') || 'none'}`;
}

/** `gpio:<output>`: publishes `gpio.command` to switch that output on. */
function gpioChannel(bus: Publisher, output: string): Channel {
  return {
    name: `gpio:${output}`,
    async deliver(event, decision) {
      const command = {
        output,
        action: 'activate' as const,
        event_id: event.id,
        event_at: event.timestamp,
        severity: decision.severity,
        reason: reason(event, decision),
      };
      await bus.publish('gpio.command', command, options(event));
    },
  };
}

/** `clip`: publishes `clip.request` for the event's camera; fails for events without a camera. */
function clipChannel(bus: Publisher): Channel {
  return {
    name: 'clip',
    async deliver(event) {
      if (event.camera === null) {
        throw new ChannelError(
          `event ${event.id} (${event.type}) has no camera, so there is no clip to cut — route clip only for camera events`,
          1,
        );
      }
      const request = { event_id: event.id, camera: event.camera, incident_id: event.incidentId };
      await bus.publish('clip.request', request, options(event));
    },
  };
}

/** The bus-backed channels: web, clip, and gpio:<output> for each output named. */
export function busChannels(bus: Publisher, gpioOutputs: readonly string[]): Channel[] {
  return [webChannel(bus), clipChannel(bus), ...gpioOutputs.map((output) => gpioChannel(bus, output))];
}
