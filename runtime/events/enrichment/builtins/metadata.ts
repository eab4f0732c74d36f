import type { VigilEvent } from '../../../domain/eventModel';
import { EnrichmentConfigError } from '../errors';
import type { Enricher } from '../types';
import { cameraDisplayName } from './displayText';

/** Which appliance this is; `timezone` is an IANA zone such as Europe/Berlin. */
export interface DeviceIdentity {
  id: string;
  name: string;
  timezone: string;
}

export interface MetadataEnricherOptions {
  device: DeviceIdentity;
  /** Display names by camera key; cameras not listed get their key made readable. */
  cameraNames?: Readonly<Record<string, string>>;
  /** Local hour (0..23) from which it is day. */
  dayStartHour: number;
  /** Local hour (0..24) from which it is night again; may be below `dayStartHour` to wrap midnight. */
  dayEndHour: number;
  timeoutMs: number;
  retries: number;
}

/** Whether a local hour is day: within [start, end), wrapping past midnight when end < start. */
export function isDayHour(hour: number, start: number, end: number): boolean {
  return start <= end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * `metadata`: device identity, camera display name, zones, the local time in the device's
 * time zone and day/night. Pure computation, so it never needs retries.
 */
export function createMetadataEnricher(options: MetadataEnricherOptions): Enricher {
  const { device, dayStartHour, dayEndHour } = options;
  const format = localTimeFormat(device.timezone);
  return {
    name: 'metadata',
    priority: 10,
    dependsOn: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    canProcess: () => true,
    async enrich(event: VigilEvent) {
      const parts = Object.fromEntries(
        format.formatToParts(new Date(event.timestamp)).map((part) => [part.type, part.value]),
      );
      const hour = Number(parts.hour);
      return {
        device_id: device.id,
        device_name: device.name,
        camera: event.camera,
        camera_name: event.camera === null ? null : cameraDisplayName(event.camera, options.cameraNames),
        zones: [...event.zones],
        timezone: device.timezone,
        local_time: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`,
        utc_offset: parts.timeZoneName ?? 'GMT',
        local_hour: hour,
        day_night: isDayHour(hour, dayStartHour, dayEndHour) ? 'day' : 'night',
      };
    },
  };
}

function localTimeFormat(timezone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    });
  } catch (err) {
    throw new EnrichmentConfigError(
      `device.timezone '${timezone}' is not a time zone this system knows (${err instanceof Error ? err.message : String(err)}) — use an IANA name such as Europe/Berlin or UTC`,
    );
  }
}
