import type { Migration } from './index';

/**
 * Authenticated sync: outbox rows get their place in the appliance's sync sequence (`sync_seq`,
 * 1, 2, 3… without gaps) when they are first sent, and keep it when sent again, so the central
 * server can check that a batch follows the last one. `sync_state` holds the sequence's next
 * number and its epoch (a random id of this database).
 */
export const syncSeq: Migration = {
  version: 8,
  name: 'sync_seq',
  sql: `
    ALTER TABLE outbox ADD COLUMN sync_seq INTEGER;
    CREATE TABLE sync_state (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
