import type { Migration } from './index';

/**
 * The alarm: GPIO output changes and alarm mode changes join the audit trail (SQLite cannot
 * widen a CHECK in place, so the table is rebuilt with its rows, index and trigger), and
 * `device_state` keeps what must survive a restart or power loss, such as the alarm mode.
 */
export const alarm: Migration = {
  version: 4,
  name: 'alarm',
  sql: `
    CREATE TABLE audit_v4 (
      id           INTEGER PRIMARY KEY,
      subject_kind TEXT    NOT NULL CHECK (subject_kind IN ('event', 'incident', 'gpio', 'alarm')),
      subject_id   TEXT    NOT NULL,
      state        TEXT    NOT NULL,
      at           INTEGER NOT NULL,
      actor        TEXT    NOT NULL,
      reason       TEXT
    ) STRICT;
    INSERT INTO audit_v4 (id, subject_kind, subject_id, state, at, actor, reason)
      SELECT id, subject_kind, subject_id, state, at, actor, reason FROM audit;
    DROP TABLE audit;
    ALTER TABLE audit_v4 RENAME TO audit;
    CREATE INDEX audit_subject ON audit (subject_kind, subject_id, id);
    CREATE INDEX audit_at ON audit (subject_kind, at);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
      SELECT RAISE (ABORT, 'the audit trail is append-only');
    END;

    CREATE TABLE device_state (
      key        TEXT    PRIMARY KEY,
      value      TEXT    NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
  `,
};
