import type { Migration } from './index';

/**
 * Events received before the appliance's clock was synchronised (a Pi has no real-time clock and
 * boots at the last saved time, or 1970, until NTP answers) are marked: their stamps may be far
 * off, and event retention ages them by the first synchronised event stored after them
 * (events/retention), so a clock set forwards by a year deletes nothing early.
 */
export const clockUnsynced: Migration = {
  version: 12,
  name: 'clock_unsynced',
  sql: `
    ALTER TABLE events ADD COLUMN clock_unsynced INTEGER NOT NULL DEFAULT 0;
  `,
};
