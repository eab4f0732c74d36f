/**
 * Home Assistant's device-class tables, as its source declares them (sensor/const.py
 * DEVICE_CLASS_UNITS and DEVICE_CLASS_STATE_CLASSES; binary_sensor, switch and event device
 * classes). Sensor classes are listed with their units only where this checker can vouch for
 * them; a config using another class fails until it is added here from HA's source.
 */

export const BINARY_SENSOR_CLASSES = new Set([
  'battery',
  'battery_charging',
  'carbon_monoxide',
  'cold',
  'connectivity',
  'door',
  'garage_door',
  'gas',
  'heat',
  'light',
  'lock',
  'moisture',
  'motion',
  'moving',
  'occupancy',
  'opening',
  'plug',
  'power',
  'presence',
  'problem',
  'running',
  'safety',
  'smoke',
  'sound',
  'tamper',
  'update',
  'vibration',
  'window',
]);

export const SWITCH_CLASSES = new Set(['outlet', 'switch']);

export const EVENT_CLASSES = new Set(['button', 'doorbell', 'motion']);

export const STATE_CLASSES = new Set(['measurement', 'measurement_angle', 'total', 'total_increasing']);

const ALL_STATE_CLASSES = [...STATE_CLASSES].filter((c) => c !== 'measurement_angle');
const MEASUREMENT = ['measurement'];

const INFORMATION = [
  'bit',
  'kbit',
  'Mbit',
  'Gbit',
  'B',
  'kB',
  'MB',
  'GB',
  'TB',
  'PB',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
];
const DATA_RATE = [
  'bit/s',
  'kbit/s',
  'Mbit/s',
  'Gbit/s',
  'B/s',
  'kB/s',
  'MB/s',
  'GB/s',
  'KiB/s',
  'MiB/s',
  'GiB/s',
];

/** Sensor device class → allowed units (null: no unit) and allowed state classes. */
export const SENSOR_CLASSES: Record<string, { units: Array<string | null>; stateClasses: string[] }> = {
  battery: { units: ['%'], stateClasses: MEASUREMENT },
  data_rate: { units: DATA_RATE, stateClasses: MEASUREMENT },
  data_size: { units: INFORMATION, stateClasses: ALL_STATE_CLASSES },
  duration: { units: ['d', 'h', 'min', 's', 'ms', 'µs'], stateClasses: ALL_STATE_CLASSES },
  enum: { units: [null], stateClasses: [] },
  frequency: { units: ['Hz', 'kHz', 'MHz', 'GHz'], stateClasses: MEASUREMENT },
  humidity: { units: ['%'], stateClasses: MEASUREMENT },
  power_factor: { units: ['%', null], stateClasses: MEASUREMENT },
  signal_strength: { units: ['dB', 'dBm'], stateClasses: MEASUREMENT },
  temperature: { units: ['°C', '°F', 'K'], stateClasses: MEASUREMENT },
  timestamp: { units: [null], stateClasses: [] },
  voltage: { units: ['µV', 'mV', 'V', 'kV', 'MV'], stateClasses: MEASUREMENT },
};
