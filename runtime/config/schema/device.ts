import { type Static, Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** Identity of this appliance: used in MQTT topics, Home Assistant discovery and synced events. */
export const DeviceSchema = strictObject(
  {
    id: Type.String({
      pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
      default: 'vigil',
      description:
        'Stable device id used in MQTT topics and event ids: lowercase letters, digits, "_" and "-", at most 63 characters.',
    }),
    name: Type.String({
      minLength: 1,
      default: 'Vigil',
      description: 'Human-readable name shown in the UI and Home Assistant.',
    }),
    timezone: Type.String({
      minLength: 1,
      default: 'UTC',
      description: 'IANA time zone (e.g. Europe/Berlin) used for schedules and local times in the UI.',
    }),
  },
  { default: {}, description: 'Identity of this appliance.' },
);

/** Identity of this appliance. */
export type DeviceConfig = Static<typeof DeviceSchema>;
