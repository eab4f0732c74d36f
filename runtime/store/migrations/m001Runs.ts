import type { Migration } from './index';

/** Schema bookkeeping, plus one row per run so an unclean stop (crash, power loss) is seen at the next start. */
export const runs: Migration = {
  version: 1,
  name: 'runs',
  sql: `
    CREATE TABLE schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE runs (
      id          INTEGER PRIMARY KEY,
      started_at  INTEGER NOT NULL,
      stopped_at  INTEGER,
      version     TEXT    NOT NULL,
      pid         INTEGER NOT NULL,
      exit_reason TEXT
    ) STRICT;
  `,
};
