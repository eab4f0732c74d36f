import { type Static, Type } from '@sinclair/typebox';
import { SECRET, strictObject } from '../../../base/schema';

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
    when_full: Type.Union([Type.Literal('drop_low_severity'), Type.Literal('drop_oldest')], {
      default: 'drop_low_severity',
      description:
        'What goes when the outbox is full: drop_low_severity drops the oldest of the lowest severity first (the highest-severity events are kept longest); drop_oldest drops the oldest whatever its severity. Every drop is counted and raises a system event.',
    }),
  },
  { default: {}, description: 'Persistent buffer for messages not yet delivered.' },
);

const SyncSchema = strictObject(
  {
    batch_size: Type.Integer({
      minimum: 1,
      maximum: 5000,
      default: 500,
      description: 'Most events in one message to the central server.',
    }),
    ack_timeout_seconds: Type.Number({
      exclusiveMinimum: 0,
      default: 5,
      description: 'Send a batch again when the central server has not acknowledged it by then.',
    }),
    max_attempts: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 5,
      description:
        'Sends of a batch the central server rejects (answers with a reason) before its events go to the dead letters (GET /api/v1/dead-letters, stage sync); timeouts and link drops never count.',
    }),
    compression: Type.Union([Type.Literal('none'), Type.Literal('gzip')], {
      default: 'none',
      description: 'gzip compresses each batch (worth it on metered links).',
    }),
  },
  { default: {}, description: 'Store-and-forward sync of events to the central server (vigil central).' },
);

const ReconnectSchema = strictObject(
  {
    min_seconds: Type.Number({
      exclusiveMinimum: 0,
      default: 1,
      description: 'First wait before reconnecting.',
    }),
    max_seconds: Type.Number({
      exclusiveMinimum: 0,
      default: 60,
      description: 'Longest wait between attempts (doubling, with jitter, up to this).',
    }),
  },
  { default: {}, description: 'Reconnecting after the broker or network went away.' },
);

export const MQTT_COMMANDS = ['detect', 'motion', 'siren', 'alarm'] as const;

const CommandsSchema = strictObject(
  {
    enabled: Type.Boolean({ default: true, description: 'Accept commands on the .../set topics.' }),
    allow: Type.Array(
      Type.Union(
        MQTT_COMMANDS.map((c) => Type.Literal(c)),
        { description: 'A command: detect, motion, siren or alarm.' },
      ),
      {
        uniqueItems: true,
        default: [...MQTT_COMMANDS],
        description: 'Commands accepted; others get an error reply on <prefix>/<id>/response.',
      },
    ),
    code: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 64,
        description:
          "The code Home Assistant's alarm panel asks for to arm, disarm and trigger. Without it (and without `secret`) nothing obeys arming, disarming or the siren over MQTT.",
        ...SECRET,
      }),
    ),
    code_attempts_per_minute: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: 5,
      description: 'Wrong codes within a minute after which coded commands are refused for a minute.',
    }),
    secret: Type.Optional(
      Type.String({
        minLength: 32,
        maxLength: 256,
        description:
          'Key of HMAC-signed commands from other clients (scripts, Node-RED): `vigil mqtt-sign` signs with it. At least 32 characters.',
        ...SECRET,
      }),
    ),
    replay_window_seconds: Type.Integer({
      minimum: 5,
      maximum: 600,
      default: 30,
      description: 'A signed command older (or newer) than this is refused, and each one is taken once.',
    }),
    unsigned: Type.Array(Type.Union([Type.Literal('detect'), Type.Literal('motion')]), {
      uniqueItems: true,
      default: [],
      description:
        "Camera switches taken without a code or signature (Home Assistant's detection and motion switches cannot sign). Only behind a broker whose ACL lets nobody but Home Assistant publish on the command topics: switching detection off blinds the alarm. Arming, disarming and the siren are never taken unsigned.",
    }),
  },
  {
    default: {},
    description:
      "Commands over MQTT: Home Assistant's alarm panel (with `code`), signed commands (with `secret`), and the camera switches listed in `unsigned`.",
  },
);

const IngestSchema = strictObject(
  {
    secret: Type.Optional(
      Type.String({
        minLength: 32,
        maxLength: 256,
        description:
          'Key of the signed event batches outside producers publish on <prefix>/<id>/events/ingest (HMAC-SHA256, as signed commands). Without it the topic is not subscribed. At least 32 characters; not the commands secret, so a producer cannot arm or disarm.',
        ...SECRET,
      }),
    ),
    replay_window_seconds: Type.Integer({
      minimum: 5,
      maximum: 600,
      default: 30,
      description: 'A signed batch older (or newer) than this is refused, and each one is taken once.',
    }),
    max_bytes: Type.Integer({
      minimum: 1024,
      maximum: 1024 * 1024,
      default: 256 * 1024,
      description: 'Largest signed batch read; larger messages are dropped unread.',
    }),
  },
  {
    default: {},
    description:
      'Events from outside producers (sensors, other systems) over MQTT, signed with `secret`; answered per item on <prefix>/<id>/events/ingest/reply once durable.',
  },
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
      pattern: '^[^#+/]+$',
      default: 'vigil',
      description: 'First topic level (no #, + or /).',
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
    frigate_prefix: Type.String({
      minLength: 1,
      pattern: '^[^#+/]+$',
      default: 'frigate',
      description: "First topic level of Frigate's topics (no #, + or /).",
    }),
    protocol_version: Type.Union([Type.Literal('auto'), Type.Literal('5'), Type.Literal('3.1.1')], {
      default: 'auto',
      description: 'auto tries MQTT 5 and falls back to 3.1.1 when the broker refuses it.',
    }),
    keepalive_seconds: Type.Integer({
      minimum: 5,
      maximum: 3600,
      default: 30,
      description: 'Keep-alive: a silent broker is noticed within 1.5 times this.',
    }),
    reconnect: ReconnectSchema,
    state_interval_seconds: Type.Integer({
      minimum: 5,
      default: 30,
      description: 'How often device figures (CPU, memory, disk, backlog) are published.',
    }),
    siren_output: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "GPIO output behind the siren entity and <prefix>/<id>/siren/set; default: the output named 'siren', else the first output.",
      }),
    ),
    commands: CommandsSchema,
    ingest: IngestSchema,
    sync: SyncSchema,
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
