import { RequestError } from '../../../base/requestError';
import { DeviceSchema, type MqttConfig } from '../../config/schema/index';
import { FrigateTopics } from '../frigate/frigateTopics';
import { discoveryNodeId } from '../homeassistant/discoveryIds';
import { VigilTopics } from '../vigilTopics';

/** Mosquitto's acl_file access types; `deny` refuses reading and writing, whatever else matches. */
type AclAccess = 'read' | 'write' | 'readwrite' | 'deny';

/** One `topic <access> <filter>` line of an acl_file, with why it is there. */
interface AclRule {
  access: AclAccess;
  topic: string;
  why: string;
}

/** One broker login: its name, who uses it, and the only topics it may use. */
export interface BrokerUser {
  name: string;
  role: 'appliance' | 'central' | 'homeassistant' | 'producer';
  rules: AclRule[];
}

/** The login of `vigil central` (every receiver of the share group uses it). */
const CENTRAL_USER = 'vigil-central';
/** The login of Home Assistant's MQTT integration. */
const HOMEASSISTANT_USER = 'homeassistant';

/** What the ACL needs of the config: the topic prefixes and which topic families are on. */
type BrokerTopicConfig = Pick<
  MqttConfig,
  'topic_prefix' | 'discovery_prefix' | 'frigate_prefix' | 'homeassistant' | 'frigate_compat'
>;

/** The outside event producer login `vigil mqtt-acl` makes when mqtt.ingest is on and none is named. */
export const DEFAULT_PRODUCER = 'vigil-producer';

/**
 * The broker logins of a Vigil installation: one per appliance (named after its device id),
 * one for the central receiver, one for Home Assistant, one per outside event producer
 * (`producers`: sensors and other systems that publish signed batches on the appliances'
 * mqtt.ingest topic), each limited to the topics it uses
 * (runtime/mqtt/vigilTopics.ts, homeassistant/, frigate/, commands/, sync/, and
 * runtime/central/centralReceiver.ts). Every appliance is assumed to use the topic settings of
 * `mqtt`: Home Assistant and the central server read them all under the same prefixes.
 *
 * Rules are per user rather than mosquitto `pattern`s with `%u`: a pattern applies to every
 * login, so it would give the central server and Home Assistant an appliance's rights under
 * `<prefix>/vigil-central/…` and `<prefix>/homeassistant/…`, from where they could forge
 * event batches. Throws a RequestError naming the field when a name cannot be used safely.
 */
export function brokerUsers(
  mqtt: BrokerTopicConfig,
  deviceIds: readonly string[],
  producers: readonly string[] = [],
): BrokerUser[] {
  checkLevel(mqtt.topic_prefix, 'mqtt.topic_prefix');
  checkPrefix(mqtt.discovery_prefix, 'mqtt.discovery_prefix');
  if (mqtt.frigate_compat) checkLevel(mqtt.frigate_prefix, 'mqtt.frigate_prefix');
  if (deviceIds.length === 0) throw new RequestError('invalid', 'name at least one appliance', '--device');
  checkNames([
    ...deviceIds.map((id) => ({ id, field: '--device' })),
    ...producers.map((id) => ({ id, field: '--producer' })),
  ]);
  return [
    ...deviceIds.map((id) => applianceUser(mqtt, id)),
    centralUser(mqtt),
    homeAssistantUser(mqtt),
    ...producers.map((name) => producerUser(mqtt, name, deviceIds)),
  ];
}

function applianceUser(mqtt: BrokerTopicConfig, id: string): BrokerUser {
  const own = new VigilTopics(mqtt.topic_prefix, id);
  // Its whole tree, its own acks and commands included: it could do nothing with them that it
  // cannot do to itself anyway, and a list of its state topics would miss every new one.
  const rules: AclRule[] = [
    {
      access: 'readwrite',
      topic: `${own.base}/#`,
      why: 'its own topics: availability (its last will), event batches, command replies, states, snapshots; reading its acks and commands',
    },
  ];
  if (mqtt.homeassistant) {
    rules.push(
      {
        access: 'write',
        topic: `${mqtt.discovery_prefix}/+/${discoveryNodeId(id)}/+/config`,
        why: "its Home Assistant discovery configs, and nobody else's",
      },
      {
        access: 'read',
        topic: `${mqtt.discovery_prefix}/status`,
        why: "Home Assistant's birth message: announce the entities again",
      },
    );
  }
  if (mqtt.frigate_compat) rules.push(...frigateRules(new FrigateTopics(mqtt.frigate_prefix)));
  return { name: id, role: 'appliance', rules };
}

/**
 * Frigate's topics name no device, so appliances share them. Each shape the appliance publishes
 * is listed rather than `<frigate prefix>/#`, which would let one appliance send another the
 * commands (`<camera>/<setting>/set`) that it reads from the same place.
 */
function frigateRules(topics: FrigateTopics): AclRule[] {
  const published = [
    topics.available,
    topics.events,
    topics.trackedObjectUpdate,
    topics.stats,
    topics.count('+', '+', false),
    topics.count('+', '+', true),
    topics.snapshot('+', '+'),
    topics.state('+', '+'),
  ];
  return [
    ...published.map((topic) => ({
      access: 'write' as const,
      topic,
      why: "Frigate's topics (frigate_compat): availability, events, stats, counts, motion, snapshots, setting states",
    })),
    ...['detect', 'motion'].map((setting) => ({
      access: 'read' as const,
      topic: topics.set('+', setting),
      why: `Frigate's ${setting} switch commands`,
    })),
  ];
}

function centralUser(mqtt: BrokerTopicConfig): BrokerUser {
  const any = new VigilTopics(mqtt.topic_prefix, '+');
  return {
    name: CENTRAL_USER,
    role: 'central',
    rules: [
      {
        access: 'read',
        topic: any.events,
        why: "every appliance's event batches (it subscribes to them as $share/<share_group>/…)",
      },
      { access: 'write', topic: any.ack, why: 'the acknowledgement of each stored batch, to its appliance' },
    ],
  };
}

function homeAssistantUser(mqtt: BrokerTopicConfig): BrokerUser {
  const any = new VigilTopics(mqtt.topic_prefix, '+');
  const rules: AclRule[] = [
    {
      access: 'deny',
      topic: any.events,
      why: 'not the event batches: they are for the central server (deny also refuses publishing)',
    },
    { access: 'deny', topic: any.ack, why: 'nor the acknowledgements' },
    {
      access: 'read',
      topic: `${mqtt.topic_prefix}/#`,
      why: 'states, availability, snapshots, command replies',
    },
    {
      access: 'write',
      topic: any.device('+', 'set'),
      why: 'commands to an appliance: siren, alarm mode',
    },
    {
      access: 'write',
      topic: any.camera('+', '+', 'set'),
      why: 'commands to a camera: detect, motion',
    },
    { access: 'read', topic: `${mqtt.discovery_prefix}/#`, why: 'discovery configs' },
    {
      access: 'write',
      topic: `${mqtt.discovery_prefix}/status`,
      why: 'its birth and last-will message (online/offline)',
    },
  ];
  if (mqtt.frigate_compat) {
    const frigate = new FrigateTopics(mqtt.frigate_prefix);
    rules.push(
      { access: 'read', topic: `${frigate.prefix}/#`, why: "Frigate's topics (frigate_compat)" },
      { access: 'write', topic: frigate.set('+', '+'), why: "Frigate's camera switch commands" },
    );
  }
  return { name: HOMEASSISTANT_USER, role: 'homeassistant', rules };
}

/**
 * An outside event producer: it publishes signed batches on each appliance's ingest topic and
 * reads the per-item answers, nothing else. The broker login says who may publish there; the
 * batch's signature (mqtt.ingest.secret) is what the appliance itself checks.
 */
function producerUser(mqtt: BrokerTopicConfig, name: string, deviceIds: readonly string[]): BrokerUser {
  const rules: AclRule[] = [];
  for (const id of deviceIds) {
    const topics = new VigilTopics(mqtt.topic_prefix, id);
    rules.push(
      { access: 'write', topic: topics.ingest, why: `signed event batches for ${id} (mqtt.ingest)` },
      { access: 'read', topic: topics.ingestReply, why: `${id}'s per-item answers to them` },
    );
  }
  return { name, role: 'producer', rules };
}

/** device.id's own pattern (it keeps ACL lines, user names and topics safe); matches nothing without one. */
const DEVICE_ID = new RegExp(DeviceSchema.properties.id.pattern ?? '(?!)');

/**
 * Appliance and producer names become broker logins and ACL lines: device.id's pattern, none
 * taken twice, none the central server's or Home Assistant's.
 */
function checkNames(names: readonly { id: string; field: string }[]): void {
  const seen = new Set<string>();
  for (const { id, field } of names) {
    if (!DEVICE_ID.test(id))
      throw new RequestError(
        'invalid',
        `${JSON.stringify(id)} is not a ${field === '--device' ? 'device id' : 'usable name'}: use lowercase letters, digits, "_" and "-" (at most 63), as device.id`,
        field,
      );
    if (id === CENTRAL_USER || id === HOMEASSISTANT_USER)
      throw new RequestError(
        'invalid',
        `${JSON.stringify(id)} is the central server's or Home Assistant's login; choose another name`,
        field,
      );
    if (seen.has(id)) throw new RequestError('invalid', `${JSON.stringify(id)} is named twice`, field);
    seen.add(id);
  }
}

/** A topic prefix of one level: no `/` either. */
function checkLevel(value: string, field: string): void {
  checkPrefix(value, field);
  if (value.includes('/')) throw new RequestError('invalid', 'must be one topic level (no "/")', field);
}

/**
 * A prefix written into the ACL: no wildcard (it would widen a rule), no control character
 * (a line break would start a rule of its own), no space at either end (mosquitto trims it),
 * no leading `$` (topics the broker keeps apart), no empty level.
 */
function checkPrefix(value: string, field: string): void {
  let problem: string | null = null;
  if (value.length === 0) problem = 'is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  else if (/[#+\u0000-\u001f\u007f]/.test(value)) problem = 'contains "#", "+" or a control character';
  else if (value.trim() !== value) problem = 'starts or ends with a space';
  else if (value.startsWith('$')) problem = 'starts with "$"';
  else if (value.split('/').some((level) => level === '')) problem = 'has an empty topic level';
  if (problem)
    throw new RequestError('invalid', `${problem}: it cannot be written into the broker's ACL`, field);
}
