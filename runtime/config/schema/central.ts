import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** How long the central keeps each device's events, and how much of them. */
const CentralRetentionSchema = strictObject(
  {
    days: Type.Integer({
      minimum: 0,
      maximum: 36_500,
      default: 90,
      description:
        "Delete a device's events older than this (by the time they happened); 0 keeps them by age forever.",
    }),
    max_mb_per_device: Type.Number({
      minimum: 0,
      maximum: 10_485_760,
      default: 1024,
      description:
        "Most MiB of event JSON kept per device; past it, the device's oldest events go first. 0: no size limit.",
    }),
  },
  {
    default: {},
    description: 'Retention of the received events, per device, at start and every hour.',
  },
);

/**
 * `vigil central`: the receiver the appliances sync their events to. It uses `mqtt` (broker,
 * login, TLS, topic_prefix), `http` (its read API) and `data_dir` of the same config file.
 */
export const CentralSchema = strictObject(
  {
    share_group: Type.String({
      minLength: 1,
      pattern: '^[^#+/]+$',
      default: 'vigil-central',
      description:
        "MQTT 5 shared-subscription group: receivers in one group split the appliances' events between them.",
    }),
    database: Type.String({
      minLength: 1,
      default: 'central.db',
      description: 'SQLite file of the received events, relative to data_dir.',
    }),
    client_id: Type.Optional(
      Type.String({ minLength: 1, description: 'MQTT client id; default: vigil-central-<host name>-<pid>.' }),
    ),
    retention: CentralRetentionSchema,
  },
  { default: {}, description: 'The central receiver (vigil central).' },
);
