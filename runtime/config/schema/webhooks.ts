import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, NAME_PATTERN, SECRET, strictObject } from '../../../base/schema';
import { SEVERITIES } from '../../domain/eventModel';

/** One webhook: where events routed to `webhook:<name>` are POSTed, and how hard to try. */
const WebhookSchema = strictObject(
  {
    url: Type.String({
      pattern: '^https?://[^\\s/]+',
      description: 'http:// or https:// URL the event is POSTed to as JSON.',
    }),
    headers: Type.Record(Type.String({ minLength: 1 }), Type.String(SECRET), {
      default: {},
      description: 'Extra request headers, e.g. Authorization (values are kept out of logs).',
    }),
    timeout_ms: Type.Integer({
      minimum: 1,
      maximum: 120_000,
      default: 5000,
      description: 'Give up on one try after this long.',
    }),
    retries: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 3,
      description: 'Tries after the first, on network errors, timeouts, 5xx and 429.',
    }),
    backoff_ms: Type.Integer({
      minimum: 0,
      maximum: 600_000,
      default: 500,
      description: 'Wait before the first retry; doubled before each further one.',
    }),
    min_severity: literalUnion(SEVERITIES, {
      default: 'info',
      description: 'Events below this severity are not sent.',
    }),
  },
  { description: 'A webhook events are POSTed to.' },
);

/** Webhooks by name; rules route to them as `webhook:<name>`. */
export const WebhooksSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), WebhookSchema, {
  additionalProperties: false,
  default: {},
  description: 'Webhooks by name; route events to one with webhook:<name>.',
});

/** One webhook. */
export type WebhookConfig = Static<typeof WebhookSchema>;
/** Webhooks by name. */
export type WebhooksConfig = Static<typeof WebhooksSchema>;
