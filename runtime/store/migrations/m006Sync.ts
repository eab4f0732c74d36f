import type { Migration } from './index';

/**
 * MQTT sync: outbox rows learn their event's place in ingest order (`event_seq`, the events
 * rowid), so the sync worker sends them in the order the events arrived even when routing
 * finished them out of order, and their size (`bytes`), so the backlog's megabytes are summed
 * from an index without reading the payloads. `mqtt_discovery` remembers every Home Assistant
 * discovery topic published, so entities that no longer exist (a camera removed) are deleted.
 */
export const sync: Migration = {
  version: 6,
  name: 'sync',
  sql: `
    ALTER TABLE outbox ADD COLUMN event_seq INTEGER;
    ALTER TABLE outbox ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
    UPDATE outbox SET
      event_seq = COALESCE((SELECT e.rowid FROM events e WHERE e.id = outbox.event_id), 0),
      bytes = LENGTH(CAST(payload AS BLOB));
    DROP INDEX outbox_pending;
    CREATE INDEX outbox_pending ON outbox (event_seq, bytes, severity) WHERE acked_at IS NULL;
    CREATE TABLE mqtt_discovery (
      topic        TEXT    PRIMARY KEY,
      published_at INTEGER NOT NULL
    ) STRICT;
  `,
};
