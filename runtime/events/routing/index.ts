/**
 * Routing: delivers an event to the channels the rules chose (web stream, MQTT outbox,
 * GPIO outputs, webhooks, clip extraction) and reports each outcome.
 */

export {
  type WebhookConfig,
  WebhookSchema,
  type WebhooksConfig,
  WebhooksSchema,
} from '../../config/schema/webhooks';
export { busChannels, clipChannel, gpioChannel, type Publisher, webChannel } from './busChannels';
export { type Channel, ChannelError, type ChannelOutcome, type DeliveryResult } from './channel';
export { Router } from './router';
export { WebhookChannel, type WebhookChannelOptions, webhookChannels } from './webhookChannel';
