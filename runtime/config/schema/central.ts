import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

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
  },
  { default: {}, description: 'The central receiver (vigil central).' },
);
