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
  const localTime = localTimeOf(localTimeFormat(device.timezone));
  const describe = (event: VigilEvent): Record<string, unknown> => {
    const parts = localTime(event.timestamp);
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
  };
  return {
    name: 'metadata',
    priority: 10,
    dependsOn: [],
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    canProcess: () => true,
    async enrich(event: VigilEvent) {
      return describe(event);
    },
    enrichNow: describe,
  };
}

type LocalTimeParts = Partial<Record<Intl.DateTimeFormatPartTypes, string>>;

/**
 * The formatted parts of a time, kept for the last second asked: formatting is the most of what
 * this enricher costs, and the events of a routing batch mostly share their second (the parts
 * have no finer field, and offsets change only on whole seconds).
 */
function localTimeOf(format: Intl.DateTimeFormat): (timestamp: number) => LocalTimeParts {
  let second = Number.NaN;
  let parts: LocalTimeParts = {};
  return (timestamp) => {
    const at = Math.floor(timestamp / 1000);
    if (at !== second) {
      parts = Object.fromEntries(format.formatToParts(new Date(timestamp)).map((p) => [p.type, p.value]));
      second = at;
    }
    return parts;
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
