import type { Migration } from '../store/migrations/index';
import { runs } from '../store/migrations/m001Runs';

/**
 * The central receiver's database: the appliances it has heard from, and their events stored
 * once each, by (device, event id). `seq` is the appliance's ingest order, so reading a
 * device's events by `seq` gives them in the order they happened on it, per camera too.
 */
const centralEvents: Migration = {
  version: 2,
  name: 'central_events',
  sql: `
    CREATE TABLE devices (
      id         TEXT    PRIMARY KEY,
      first_seen INTEGER NOT NULL,
      last_seen  INTEGER NOT NULL,
      events     INTEGER NOT NULL DEFAULT 0,
      last_seq   INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE TABLE events (
      device      TEXT    NOT NULL,
      id          TEXT    NOT NULL,
      seq         INTEGER NOT NULL,
      camera      TEXT,
      type        TEXT    NOT NULL,
      severity    TEXT    NOT NULL,
      timestamp   INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      payload     TEXT    NOT NULL,
      PRIMARY KEY (device, id)
    ) STRICT;
    CREATE INDEX events_by_device_seq ON events (device, seq);
  `,
};

export const CENTRAL_MIGRATIONS: readonly Migration[] = [runs, centralEvents];
