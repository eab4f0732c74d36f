import type { VigilTopics } from '../vigilTopics';
import type { HaEntity } from './haEntity';

/**
 * The appliance's own entities: the siren (when there is an output behind it), the alarm mode
 * and the device figures published as one JSON object on `<base>/state`.
 */
export function applianceEntities(
  topics: VigilTopics,
  options: { modes: readonly string[]; siren: string | null },
): HaEntity[] {
  const entities: HaEntity[] = [];
  if (options.siren !== null) {
    entities.push({
      component: 'siren',
      key: 'siren',
      options: {
        name: 'Siren',
        state_topic: topics.device('siren', 'state'),
        command_topic: topics.device('siren', 'set'),
        // Turning on sends HA's JSON ({"state": "ON", "duration": 30}); the output's max_on still caps it.
        support_duration: true,
        // A GPIO siren has no volume (HA assumes one unless told).
        support_volume_set: false,
      },
    });
  }
  if (options.modes.length > 0) {
    entities.push({
      component: 'select',
      key: 'alarm_mode',
      options: {
        name: 'Alarm mode',
        icon: 'mdi:shield-home',
        state_topic: topics.device('alarm', 'state'),
        command_topic: topics.device('alarm', 'set'),
        options: [...options.modes],
      },
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
