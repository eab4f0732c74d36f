import type { Migration } from './index';

/**
 * Each session remembers the admin credential it was opened with (a fingerprint of the password
 * hash), so a password reset ends every older session at its next request, even while the daemon
 * runs. Sessions opened before this migration have none and end: one new login after the update.
 */
export const sessionCredential: Migration = {
  version: 9,
  name: 'session_credential',
  sql: `
    ALTER TABLE sessions ADD COLUMN credential TEXT NOT NULL DEFAULT '';
  `,
};
