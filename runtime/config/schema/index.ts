import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';
import { DetectorsSchema } from '../../../hal/accel/detectorSchema';
import { GpioSchema } from '../../../hal/gpio/gpioSchema';
import { AlarmSchema } from './alarm';
import { CamerasSchema } from './camera';
import { CentralSchema } from './central';
import { DeviceSchema } from './device';
import { EventsSchema } from './events';
import { FacesSchema } from './faces';
import { HttpSchema } from './http';
import { LogSchema, ShutdownSchema } from './logging';
import { MqttSchema } from './mqtt';
import { RetentionSchema } from './retention';
import { StorageSchema } from './storage';
import { SystemSchema } from './system';

/** The config format version this build reads; older files are migrated on load. */
export const CURRENT_CONFIG_VERSION = 1;

/**
 * The whole configuration: the single source of truth for validation, defaults, the
 * TypeScript types, env overrides and (later) the OpenAPI document.
 */
export const ConfigSchema = strictObject(
  {
    version: Type.Integer({
      minimum: 1,
      default: CURRENT_CONFIG_VERSION,
      description: 'Config format version; a missing version means 1.',
    }),
    device: DeviceSchema,
    data_dir: Type.String({
      minLength: 1,
      default: '/var/lib/vigil',
      description: 'Where the database, recordings, snapshots and face gallery live.',
    }),
    log: LogSchema,
    shutdown: ShutdownSchema,
    cameras: CamerasSchema,
    detectors: DetectorsSchema,
    faces: FacesSchema,
    gpio: GpioSchema,
    alarm: AlarmSchema,
    events: EventsSchema,
    mqtt: MqttSchema,
    central: CentralSchema,
    http: HttpSchema,
    storage: StorageSchema,
    retention: RetentionSchema,
    system: SystemSchema,
  },
  { title: 'Vigil configuration', description: 'Configuration of a Vigil appliance (YAML).' },
);

/** A complete, validated configuration with every default filled in. */
export type Config = Static<typeof ConfigSchema>;

export type { AlarmConfig, AlarmScheduleConfig } from './alarm';

export type { CameraConfig } from './camera';
export { CameraSchema } from './camera';

export type { DeviceConfig } from './device';
export { DeviceSchema } from './device';

export type { FacesConfig } from './faces';
export { FacesSchema } from './faces';
export type { HttpConfig } from './http';

export type { MqttConfig } from './mqtt';
export { MQTT_COMMANDS } from './mqtt';
export type { RetentionConfig } from './retention';

export type { Polygon } from './zones';
