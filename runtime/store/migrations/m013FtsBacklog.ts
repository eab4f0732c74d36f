import type { Migration } from './index';

/**
 * The full-text index of descriptions is brought up to date in batches instead of row by row:
 * a description set on an event only queues the event's rowid (`events_fts_backlog`, in the same
 * transaction, so a crash loses nothing) and the queue is indexed in one statement — by the event
 * log's writer thread about once a second, and before any search, so a search never misses an
 * event. FTS5 sorts and writes a segment of its index at every commit that touches it and merges
 * them later: per routing commit that was a fifth of the writer thread's CPU per routed event.
 * An event whose description is still queued is not in the index, so the triggers take out of the
 * index only what is in it.
 */
export const ftsBacklog: Migration = {
  version: 13,
  name: 'fts_backlog',
  sql: `
    CREATE TABLE events_fts_backlog (event_rowid INTEGER PRIMARY KEY) STRICT;
    DROP TRIGGER events_fts_update;
    DROP TRIGGER events_fts_delete;
    CREATE TRIGGER events_fts_update AFTER UPDATE OF description ON events BEGIN
      INSERT INTO events_fts (events_fts, rowid, description) SELECT 'delete', old.rowid, old.description
        WHERE old.description IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM events_fts_backlog WHERE event_rowid = old.rowid);
      INSERT OR IGNORE INTO events_fts_backlog (event_rowid) SELECT new.rowid WHERE new.description IS NOT NULL;
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
      INSERT INTO events_fts (events_fts, rowid, description) SELECT 'delete', old.rowid, old.description
        WHERE old.description IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM events_fts_backlog WHERE event_rowid = old.rowid);
      DELETE FROM events_fts_backlog WHERE event_rowid = old.rowid;
    END;
  `,
};
