import type { Migration } from './index';

/**
 * Login sessions of the status page and API. Only a hash of each session token is stored, so a
 * copy of the database does not log anyone in; sessions survive a restart of the appliance.
 */
export const auth: Migration = {
  version: 7,
  name: 'auth',
  sql: `
    CREATE TABLE sessions (
      token_hash TEXT    PRIMARY KEY,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_expiry ON sessions (expires_at);
  `,
};
