import type { Migration } from '../store/migrations/index';
import { runs } from '../store/migrations/m001Runs';
import { auth } from '../store/migrations/m007Auth';
import { sessionCredential } from '../store/migrations/m009SessionCredential';

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

/** The login sessions of the central's API: the appliance's table, made by the same SQL. */
const centralAuth: Migration = {
  version: 3,
  name: 'auth',
  sql: auth.sql + sessionCredential.sql,
};

/**
 * What retention needs (central/centralRetention.ts): each device's stored bytes (the events' JSON),
 * kept by triggers on every insert and delete whoever makes them, and an index to find a
 * device's events by age.
 */
const centralRetention: Migration = {
  version: 4,
  name: 'central_retention',
  sql: `
    CREATE TABLE device_usage (
      device TEXT    PRIMARY KEY,
      bytes  INTEGER NOT NULL
    ) STRICT;
    INSERT INTO device_usage (device, bytes)
      SELECT device, SUM(length(CAST(payload AS BLOB))) FROM events GROUP BY device;
    CREATE TRIGGER events_usage_insert AFTER INSERT ON events BEGIN
      INSERT INTO device_usage (device, bytes) VALUES (new.device, length(CAST(new.payload AS BLOB)))
        ON CONFLICT (device) DO UPDATE SET bytes = bytes + excluded.bytes;
    END;
    CREATE TRIGGER events_usage_delete AFTER DELETE ON events BEGIN
      UPDATE device_usage SET bytes = bytes - length(CAST(old.payload AS BLOB)) WHERE device = old.device;
    END;
    CREATE INDEX events_by_device_time ON events (device, timestamp);
  `,
};

export const CENTRAL_MIGRATIONS: readonly Migration[] = [runs, centralEvents, centralAuth, centralRetention];
