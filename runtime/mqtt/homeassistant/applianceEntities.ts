import { panelFeatures } from '../commands/alarmPanel';
import type { VigilTopics } from '../vigilTopics';
import type { HaEntity } from './haEntity';

/**
 * The appliance's own entities: the alarm panel (arm, disarm and trigger with the code the panel
 * asks for, checked by the appliance), the siren's state (sounded and silenced through the panel,
 * or by signed commands: a plain switch would let any broker client sound or silence it), and
 * the device figures published as one JSON object on `<base>/state`.
 */
export function applianceEntities(
  topics: VigilTopics,
  options: { modes: readonly string[]; siren: string | null },
): HaEntity[] {
  const entities: HaEntity[] = [];
  if (options.modes.length > 0) {
    entities.push({
      component: 'alarm_control_panel',
      key: 'alarm',
      options: {
        name: 'Alarm',
        state_topic: topics.device('alarm', 'panel'),
        command_topic: topics.device('alarm', 'set'),
        // HA asks for the code and hands it to the template; a code written here would be
        // readable by every client of the broker from this retained message.
        code: 'REMOTE_CODE',
        code_arm_required: true,
        code_disarm_required: true,
        code_trigger_required: true,
        command_template: '{"action": "{{ action }}", "code": "{{ code }}"}',
        supported_features: panelFeatures(options.modes, options.siren !== null),
      },
    });
  }
  if (options.siren !== null) {
    entities.push({
      component: 'binary_sensor',
      key: 'siren',
      options: { name: 'Siren', device_class: 'sound', state_topic: topics.device('siren', 'state') },
    });
  }
  return [...entities, ...DEVICE_SENSORS.map((sensor) => deviceSensor(topics, sensor))];
}

interface DeviceSensor {
  key: string;
  name: string;
  /** Field of the `<base>/state` JSON. */
  field: string;
  unit: string;
  device_class?: string;
  icon?: string;
  precision: number;
}

/** Device classes and units as HA's sensor rules pair them; no class where none fits (a percentage of load is not `power_factor`). */
const DEVICE_SENSORS: DeviceSensor[] = [
  {
    key: 'cpu_temperature',
    name: 'CPU temperature',
    field: 'cpu_temperature',
    unit: '°C',
    device_class: 'temperature',
    precision: 1,
  },
  { key: 'cpu_load', name: 'CPU load', field: 'cpu_load', unit: '%', icon: 'mdi:cpu-64-bit', precision: 0 },
  {
    key: 'memory_used',
    name: 'Memory used',
    field: 'memory_used_percent',
    unit: '%',
    icon: 'mdi:memory',
    precision: 0,
  },
  {
    key: 'disk_used',
    name: 'Disk used',
    field: 'disk_used_percent',
    unit: '%',
    icon: 'mdi:harddisk',
    precision: 0,
  },
  {
    key: 'backlog',
    name: 'Event backlog',
    field: 'backlog',
    unit: 'events',
    icon: 'mdi:tray-full',
    precision: 0,
  },
  {
    key: 'sync_lag',
    name: 'Sync lag',
    field: 'backlog_age_seconds',
    unit: 's',
    device_class: 'duration',
    precision: 0,
  },
];

function deviceSensor(topics: VigilTopics, sensor: DeviceSensor): HaEntity {
  return {
    component: 'sensor',
    key: sensor.key,
    options: {
      name: sensor.name,
      ...(sensor.device_class ? { device_class: sensor.device_class } : {}),
      ...(sensor.icon ? { icon: sensor.icon } : {}),
      entity_category: 'diagnostic',
      state_topic: topics.deviceState,
      // A figure the board does not report is null in the JSON, which renders as "None": HA's "unknown".
      value_template: `{{ value_json.${sensor.field} }}`,
      unit_of_measurement: sensor.unit,
      state_class: 'measurement',
      suggested_display_precision: sensor.precision,
    },
  };
}
