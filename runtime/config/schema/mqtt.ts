import { type Static, Type } from '@sinclair/typebox';
import { SECRET, strictObject } from './common';

const TlsSchema = strictObject(
  {
    ca: Type.Optional(Type.String({ minLength: 1, description: 'CA certificate file (PEM) to trust.' })),
    cert: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate file (PEM).' })),
    key: Type.Optional(
      Type.String({ minLength: 1, description: 'Client private key file (PEM).', ...SECRET }),
    ),
    reject_unauthorized: Type.Boolean({
      default: true,
      description: 'Refuse brokers whose certificate does not verify.',
    }),
  },
  { default: {}, description: 'TLS for mqtts:// URLs.' },
);

const OutboxSchema = strictObject(
  {
    max_rows: Type.Integer({
      minimum: 100,
      default: 100_000,
      description: 'Most messages kept while the broker is unreachable.',
    }),
    max_mb: Type.Integer({
      minimum: 1,
      default: 256,
      description: 'Most megabytes kept while the broker is unreachable.',
    }),
  },
  { default: {}, description: 'Persistent buffer for messages not yet delivered.' },
);

/** MQTT: events to the central server, Home Assistant discovery, Frigate-compatible topics. */
export const MqttSchema = strictObject(
  {
    enabled: Type.Boolean({ default: false, description: 'Connect to an MQTT broker.' }),
    url: Type.String({
      minLength: 1,
      default: 'mqtt://localhost:1883',
      description: 'Broker URL: mqtt://, mqtts://, ws:// or wss://.',
    }),
    username: Type.Optional(Type.String({ description: 'Broker user name.' })),
    password: Type.Optional(Type.String({ description: 'Broker password.', ...SECRET })),
    client_id: Type.Optional(
      Type.String({ minLength: 1, description: 'MQTT client id; default: vigil-<device id>.' }),
    ),
    tls: TlsSchema,
    topic_prefix: Type.String({
      minLength: 1,
      pattern: '^[^#+]+$',
      default: 'vigil',
      description: 'First topic level (no # or +).',
    }),
    homeassistant: Type.Boolean({ default: true, description: 'Publish Home Assistant discovery.' }),
    discovery_prefix: Type.String({
      minLength: 1,
      default: 'homeassistant',
      description: 'Home Assistant discovery prefix.',
    }),
    frigate_compat: Type.Boolean({
      default: false,
      description: "Also publish Frigate's topics and payloads under frigate/.",
    }),
    qos: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], {
      default: 1,
      description: 'QoS for events: 0, 1 or 2.',
    }),
    outbox: OutboxSchema,
  },
  { default: {}, description: 'MQTT connection and topics.' },
);

/** MQTT connection and topics. */
export type MqttConfig = Static<typeof MqttSchema>;
