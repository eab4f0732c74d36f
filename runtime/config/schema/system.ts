import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** How Vigil learns that the wall clock is right (a Pi has no real-time clock). */
export const SystemSchema = strictObject(
  {
    clock_sync_file: Type.String({
      maxLength: 4096,
      default: '/run/systemd/timesync/synchronized',
      description:
        'A file that exists once NTP has set the clock (systemd-timesyncd makes this one). Until it exists, events are marked clock_unsynced. When its folder does not exist either (no timesyncd, e.g. a development machine) or the setting is empty, the clock is taken as synchronised.',
    }),
  },
  { default: {}, description: 'The appliance itself: its clock.' },
);
