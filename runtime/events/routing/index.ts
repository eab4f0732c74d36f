/**
 * Routing: delivers an event to the channels the rules chose (web stream, MQTT outbox,
 * GPIO outputs, webhooks, clip extraction) and reports each outcome.
 */

export {
  type WebhookConfig,
  WebhooksSchema,
} from '../../config/schema/webhooks';
export { busChannels } from './busChannels';
export { type Channel, ChannelError } from './channel';
export { Router } from './router';
export { WebhookChannel, webhookChannels } from './webhookChannel';
