import {
  BINARY_SENSOR_CLASSES,
  EVENT_CLASSES,
  SENSOR_CLASSES,
  STATE_CLASSES,
  SWITCH_CLASSES,
} from './haDeviceClasses';

/**
 * Home Assistant's rules for MQTT discovery configs, as its MQTT integration enforces them
 * (mqtt/discovery.py topic matcher, mqtt/schemas.py common, device and origin schemas, each
 * platform's DISCOVERY_SCHEMA, sensor device-class/unit/state-class tables). HA drops unknown
 * keys silently, so this checker is stricter: an unknown key is an error, to catch typos.
 * Returns every problem found, as `<topic>: <problem>`; an empty list means HA would accept all.
 */
export function checkDiscoveryConfigs(
  configs: ReadonlyArray<{ topic: string; payload: unknown }>,
  discoveryPrefix = 'homeassistant',
): string[] {
  const problems: string[] = [];
  const uniqueIds = new Map<string, string>();
  for (const { topic, payload } of configs) {
    const report = (problem: string) => problems.push(`${topic}: ${problem}`);
    const component = checkTopic(topic, discoveryPrefix, report);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      report('the payload is not a JSON object');
      continue;
    }
    const config = payload as Record<string, unknown>;
    if (component) checkEntity(component, config, report);
    const uniqueId = config.unique_id;
    if (typeof uniqueId === 'string') {
      const other = uniqueIds.get(`${component}|${uniqueId}`);
      if (other) report(`unique_id ${uniqueId} is also used by ${other}`);
      uniqueIds.set(`${component}|${uniqueId}`, topic);
    }
  }
  return problems;
}

type Report = (problem: string) => void;

const PLATFORMS: Record<string, { required: string[]; optional: string[] }> = {
  alarm_control_panel: {
    required: ['command_topic', 'state_topic'],
    optional: [
      'code',
      'code_arm_required',
      'code_disarm_required',
      'code_trigger_required',
      'command_template',
      'payload_arm_away',
      'payload_arm_custom_bypass',
      'payload_arm_home',
      'payload_arm_night',
      'payload_arm_vacation',
      'payload_disarm',
      'payload_trigger',
      'retain',
      'supported_features',
      'value_template',
    ],
  },
  binary_sensor: {
    required: ['state_topic'],
    optional: [
      'device_class',
      'expire_after',
      'force_update',
      'off_delay',
      'payload_on',
      'payload_off',
      'value_template',
    ],
  },
  sensor: {
    required: ['state_topic'],
    optional: [
      'device_class',
      'expire_after',
      'force_update',
      'last_reset_value_template',
      'options',
      'suggested_display_precision',
      'state_class',
      'unit_of_measurement',
      'value_template',
    ],
  },
  switch: {
    required: ['command_topic'],
    optional: [
      'command_template',
      'device_class',
      'optimistic',
      'payload_on',
      'payload_off',
      'retain',
      'state_on',
      'state_off',
      'state_topic',
      'value_template',
    ],
  },
  select: {
    required: ['command_topic', 'options'],
    optional: ['command_template', 'optimistic', 'retain', 'state_topic', 'value_template'],
  },
  siren: {
    required: ['command_topic'],
    optional: [
      'available_tones',
      'command_template',
      'command_off_template',
      'optimistic',
      'payload_on',
      'payload_off',
      'retain',
      'state_on',
      'state_off',
      'state_topic',
      'state_value_template',
      'support_duration',
      'support_volume_set',
    ],
  },
  image: {
    required: [],
    optional: ['content_type', 'image_encoding', 'image_topic', 'url_template', 'url_topic'],
  },
  event: { required: ['state_topic', 'event_types'], optional: ['device_class', 'value_template'] },
};

/** MQTT_ENTITY_COMMON_SCHEMA, availability (both forms), MQTT_BASE_SCHEMA and `name`. */
const COMMON = [
  'availability',
  'availability_mode',
  'availability_template',
  'availability_topic',
  'default_entity_id',
  'device',
  'enabled_by_default',
  'encoding',
  'entity_category',
  'entity_picture',
  'icon',
  'json_attributes_template',
  'json_attributes_topic',
  'message_expiry_interval',
  'name',
  'origin',
  'payload_available',
  'payload_not_available',
  'qos',
  'unique_id',
  'visible_by_default',
];

const DEVICE_KEYS = new Set([
  'configuration_url',
  'connections',
  'hw_version',
  'identifiers',
  'manufacturer',
  'model',
  'model_id',
  'name',
  'serial_number',
  'suggested_area',
  'sw_version',
  'via_device',
]);

const ID = '[a-zA-Z0-9_-]+';

function checkTopic(topic: string, prefix: string, report: Report): string | null {
  const match = new RegExp(`^${escapeRegExp(prefix)}/(\\w+)/(?:${ID}/)?${ID}/config$`).exec(topic);
  if (!match) {
    report(
      `not a discovery topic <${prefix}>/<component>/[<node_id>/]<object_id>/config with only [a-zA-Z0-9_-] in the ids`,
    );
    return null;
  }
  const component = match[1] as string;
  if (!PLATFORMS[component]) report(`component ${component} is not one this checker knows`);
  return PLATFORMS[component] ? component : null;
}

function checkEntity(component: string, config: Record<string, unknown>, report: Report): void {
  const platform = PLATFORMS[component] as { required: string[]; optional: string[] };
  const allowed = new Set([...COMMON, ...platform.required, ...platform.optional]);
  for (const key of Object.keys(config)) {
    if (key === 'object_id')
      report('object_id is deprecated (HA 2025.10, removed in 2026.4); use default_entity_id');
    else if (!allowed.has(key)) report(`${key} is not an option of the MQTT ${component} platform`);
  }
  for (const key of platform.required) if (config[key] === undefined) report(`${key} is required`);
  if (typeof config.unique_id !== 'string' || config.unique_id.length === 0)
    report('unique_id is required (a non-empty string)');
  if (config.availability !== undefined && config.availability_topic !== undefined)
    report('availability and availability_topic are exclusive; use one form');
  if (config.qos !== undefined && ![0, 1, 2].includes(config.qos as number)) report('qos must be 0, 1 or 2');
  if (
    config.entity_category !== undefined &&
    !['config', 'diagnostic'].includes(config.entity_category as string)
  )
    report('entity_category must be config or diagnostic');
  if (config.name !== undefined && config.name !== null && typeof config.name !== 'string')
    report('name must be a string or null');
  checkTopics(config, report);
  checkTemplates(config, report);
  checkDefaultEntityId(component, config.default_entity_id, report);
  checkDevice(config.device, config.name, report);
  checkOrigin(config.origin, report);
  PLATFORM_CHECKS[component]?.(config, report);
}

function checkTopics(config: Record<string, unknown>, report: Report): void {
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith('_topic')) continue;
    if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
      report(`${key} must be a non-empty topic`);
      continue;
    }
    const publishes = key === 'command_topic' || key.endsWith('_command_topic');
    if (publishes && /[+#]/.test(value)) report(`${key} ${value}: a publish topic cannot hold wildcards`);
    const levels = value.split('/');
    const badWildcard = levels.some(
      (l, i) => (l.includes('#') && (l !== '#' || i !== levels.length - 1)) || (l.includes('+') && l !== '+'),
    );
    if (badWildcard) report(`${key} ${value}: wildcards must fill a whole level (# only last)`);
  }
}

function checkTemplates(config: Record<string, unknown>, report: Report): void {
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith('template')) continue;
    if (typeof value !== 'string') report(`${key} must be a string`);
    else if (value.split('{{').length !== value.split('}}').length) report(`${key} has unbalanced {{ }}`);
  }
}

function checkDefaultEntityId(component: string, value: unknown, report: Report): void {
  if (value === undefined) return;
  const objectId = '(?!_)[\\da-z_]+(?<!_)';
  if (typeof value !== 'string' || !new RegExp(`^${component}\\.${objectId}$`).test(value))
    report(
      `default_entity_id ${String(value)} is not a valid ${component}.<object id> (lowercase, digits, _)`,
    );
}

function checkDevice(device: unknown, entityName: unknown, report: Report): void {
  if (device === undefined) return;
  if (typeof device !== 'object' || device === null) return void report('device must be an object');
  const d = device as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!DEVICE_KEYS.has(key)) report(`device.${key} is not a device option`);
  const ids = Array.isArray(d.identifiers)
    ? d.identifiers
    : d.identifiers === undefined
      ? []
      : [d.identifiers];
  const connections = Array.isArray(d.connections) ? d.connections : [];
  if (ids.length === 0 && connections.length === 0)
    report('device needs at least one value in identifiers or connections');
  for (const key of ['name', 'manufacturer', 'model', 'sw_version', 'hw_version', 'suggested_area']) {
    if (d[key] !== undefined && typeof d[key] !== 'string') report(`device.${key} must be a string`);
  }
  if (d.configuration_url !== undefined && !validUrl(d.configuration_url))
    report(
      `device.configuration_url ${String(d.configuration_url)} is not an http(s) or homeassistant:// URL`,
    );
  // HA strips a device-name prefix from entity names and raises a repair issue about it.
  if (typeof d.name === 'string' && typeof entityName === 'string' && entityName.startsWith(`${d.name} `))
    report(`name "${entityName}" starts with the device name; HA names entities "<device> <entity>" itself`);
}

function checkOrigin(origin: unknown, report: Report): void {
  if (origin === undefined) return;
  if (typeof origin !== 'object' || origin === null) return void report('origin must be an object');
  const o = origin as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.length === 0) report('origin.name is required');
  for (const key of Object.keys(o))
    if (!['name', 'sw_version', 'support_url'].includes(key)) report(`origin.${key} is not an origin option`);
  if (o.support_url !== undefined && !validUrl(o.support_url))
    report(`origin.support_url ${String(o.support_url)} is not an http(s) URL`);
}

const ALARM_FEATURES = ['arm_home', 'arm_away', 'arm_night', 'arm_vacation', 'arm_custom_bypass', 'trigger'];

const PLATFORM_CHECKS: Record<string, (config: Record<string, unknown>, report: Report) => void> = {
  alarm_control_panel: (c, report) => {
    const features = c.supported_features;
    if (
      features !== undefined &&
      (!Array.isArray(features) || !features.every((f) => ALARM_FEATURES.includes(f)))
    )
      report(`supported_features must be a list of ${ALARM_FEATURES.join(', ')}`);
    for (const key of ['code_arm_required', 'code_disarm_required', 'code_trigger_required'])
      if (c[key] !== undefined && typeof c[key] !== 'boolean') report(`${key} must be true or false`);
    // A code in the retained config is readable by every client of the broker.
    if (c.code !== undefined && c.code !== 'REMOTE_CODE' && c.code !== 'REMOTE_CODE_TEXT')
      report('code must be REMOTE_CODE or REMOTE_CODE_TEXT: a fixed code here is public');
  },
  binary_sensor: (c, report) => {
    if (c.device_class !== undefined && !BINARY_SENSOR_CLASSES.has(c.device_class as string))
      report(`device_class ${String(c.device_class)} is not a binary_sensor device class`);
  },
  sensor: checkSensor,
  switch: (c, report) => {
    if (c.device_class !== undefined && !SWITCH_CLASSES.has(c.device_class as string))
      report(`device_class ${String(c.device_class)} is not a switch device class`);
  },
  select: (c, report) => {
    if (!Array.isArray(c.options) || c.options.length === 0 || !c.options.every((o) => typeof o === 'string'))
      report('options must be a non-empty list of strings');
  },
  siren: (c, report) => {
    for (const key of ['support_duration', 'support_volume_set', 'optimistic'])
      if (c[key] !== undefined && typeof c[key] !== 'boolean') report(`${key} must be true or false`);
    if (c.available_tones !== undefined && !Array.isArray(c.available_tones))
      report('available_tones must be a list');
  },
  image: (c, report) => {
    const topics = ['image_topic', 'url_topic'].filter((k) => c[k] !== undefined);
    if (topics.length !== 1) report('exactly one of image_topic and url_topic is required');
    if (c.content_type !== undefined && c.url_topic !== undefined)
      report('content_type cannot be used together with url_topic');
    if (c.image_encoding !== undefined && c.image_encoding !== 'b64')
      report('image_encoding can only be b64');
  },
  event: (c, report) => {
    if (
      !Array.isArray(c.event_types) ||
      c.event_types.length === 0 ||
      !c.event_types.every((t) => typeof t === 'string')
    )
      report('event_types must be a non-empty list of strings');
    if (c.device_class !== undefined && !EVENT_CLASSES.has(c.device_class as string))
      report(`device_class ${String(c.device_class)} is not an event device class`);
  },
};

function checkSensor(c: Record<string, unknown>, report: Report): void {
  const unit = (c.unit_of_measurement as string | undefined) ?? null;
  const stateClass = c.state_class as string | undefined;
  if (stateClass !== undefined && !STATE_CLASSES.has(stateClass))
    report(`state_class ${stateClass} does not exist`);
  if (c.last_reset_value_template !== undefined && stateClass !== 'total')
    report('last_reset_value_template needs state_class total');
  if (c.options !== undefined) {
    if (!Array.isArray(c.options) || c.options.length === 0) report('options must be a non-empty list');
    if (stateClass !== undefined || unit !== null)
      report('options cannot go with state_class or unit_of_measurement');
    if (c.device_class !== 'enum') report('options need device_class enum');
  }
  if (c.suggested_display_precision !== undefined) {
    const p = c.suggested_display_precision;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0)
      report('suggested_display_precision must be an integer ≥ 0');
  }
  if (c.device_class === undefined || c.device_class === null) return;
  const rules = SENSOR_CLASSES[c.device_class as string];
  if (!rules)
    return void report(`device_class ${String(c.device_class)} is not in the checker's sensor table`);
  if (!rules.units.includes(unit))
    report(
      `unit ${String(unit)} is not valid for device_class ${String(c.device_class)} (${rules.units.join(', ')})`,
    );
  if (stateClass !== undefined && !rules.stateClasses.includes(stateClass))
    report(`state_class ${stateClass} is not valid for device_class ${String(c.device_class)}`);
}

function validUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value.startsWith('homeassistant://')) return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
