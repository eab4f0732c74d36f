import type { Migration } from './index';

/**
 * The event log, incidents built from it, the append-only audit trail, enrichment results,
 * dead letters and the MQTT outbox. Indexes follow the queries of `GET /api/v1/events` and
 * `/incidents` (filter + time range, newest first) and the resume paths after a crash.
 */
export const events: Migration = {
  version: 2,
  name: 'events',
  sql: `
    CREATE TABLE events (
      id             TEXT    PRIMARY KEY,
      type           TEXT    NOT NULL,
      timestamp      INTEGER NOT NULL,
      received_at    INTEGER NOT NULL,
      source         TEXT    NOT NULL,
      camera         TEXT,
      label          TEXT,
      object_id      TEXT,
      confidence     REAL,
      box            TEXT,
      zones          TEXT    NOT NULL DEFAULT '[]',
      data           TEXT    NOT NULL DEFAULT '{}',
      correlation_id TEXT    NOT NULL,
      parent_id      TEXT,
      severity       TEXT    NOT NULL,
      fingerprint    TEXT    NOT NULL,
      incident_id    TEXT,
      state          TEXT    NOT NULL,
      duplicates     INTEGER NOT NULL DEFAULT 0,
      last_duplicate_at INTEGER,
      description    TEXT,
      tags           TEXT    NOT NULL DEFAULT '[]',
      decision       TEXT
    ) STRICT;
    CREATE INDEX events_time ON events (timestamp);
    CREATE INDEX events_camera_time ON events (camera, timestamp);
    CREATE INDEX events_type_time ON events (type, timestamp);
    CREATE INDEX events_label_time ON events (label, timestamp);
    CREATE INDEX events_incident ON events (incident_id);
    -- Only unfinished events: what a restart must resume.
    CREATE INDEX events_pending ON events (state) WHERE state IN ('persisted', 'enriched');

    CREATE TABLE event_zones (
      zone     TEXT NOT NULL,
      event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      PRIMARY KEY (zone, event_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX event_zones_event ON event_zones (event_id);

    -- Full-text search over descriptions, kept in step by triggers. Events are inserted without a
    -- description (enrichment adds it later), so there is no insert trigger: one that only tested
    -- for NULL still cost a third of the insert rate.
    CREATE VIRTUAL TABLE events_fts USING fts5 (description, content = 'events', content_rowid = 'rowid');
    CREATE TRIGGER events_fts_update AFTER UPDATE OF description ON events BEGIN
      INSERT INTO events_fts (events_fts, rowid, description) SELECT 'delete', old.rowid, old.description WHERE old.description IS NOT NULL;
      INSERT INTO events_fts (rowid, description) SELECT new.rowid, new.description WHERE new.description IS NOT NULL;
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.description IS NOT NULL BEGIN
      INSERT INTO events_fts (events_fts, rowid, description) VALUES ('delete', old.rowid, old.description);
    END;

    CREATE TABLE incidents (
      id              TEXT    PRIMARY KEY,
      key             TEXT    NOT NULL,
      camera          TEXT,
      label           TEXT,
      object_id       TEXT,
      type            TEXT    NOT NULL,
      severity        TEXT    NOT NULL,
      state           TEXT    NOT NULL,
      started_at      INTEGER NOT NULL,
      last_seen_at    INTEGER NOT NULL,
      ended_at        INTEGER,
      event_count     INTEGER NOT NULL,
      max_confidence  REAL,
      zones           TEXT    NOT NULL DEFAULT '[]',
      acknowledged_at INTEGER,
      resolved_at     INTEGER,
      note            TEXT
    ) STRICT;
    CREATE INDEX incidents_started ON incidents (started_at);
    CREATE INDEX incidents_camera_started ON incidents (camera, started_at);
    CREATE INDEX vigil_incidents_open ON incidents (key) WHERE ended_at IS NULL;

    -- Append-only: every state change of an event or incident, who made it and why.
    CREATE TABLE audit (
      id           INTEGER PRIMARY KEY,
      subject_kind TEXT    NOT NULL CHECK (subject_kind IN ('event', 'incident')),
      subject_id   TEXT    NOT NULL,
      state        TEXT    NOT NULL,
      at           INTEGER NOT NULL,
      actor        TEXT    NOT NULL,
      reason       TEXT
    ) STRICT;
    CREATE INDEX audit_subject ON audit (subject_kind, subject_id, id);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN
      SELECT RAISE (ABORT, 'the audit trail is append-only');
    END;

    CREATE TABLE enrichments (
      event_id    TEXT    NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      enricher    TEXT    NOT NULL,
      status      TEXT    NOT NULL,
      data        TEXT,
      duration_ms REAL    NOT NULL,
      attempts    INTEGER NOT NULL,
      error       TEXT,
      PRIMARY KEY (event_id, enricher)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE dead_letters (
      id          INTEGER PRIMARY KEY,
      event_id    TEXT,
      stage       TEXT    NOT NULL,
      reason      TEXT    NOT NULL,
      payload     TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      retry_count INTEGER NOT NULL DEFAULT 0,
      retried_at  INTEGER,
      resolved_at INTEGER
    ) STRICT;
    CREATE INDEX dead_letters_open ON dead_letters (created_at) WHERE resolved_at IS NULL;

    -- Events waiting for the central server's acknowledgement (the MQTT sync issue drains it).
    CREATE TABLE outbox (
      id         INTEGER PRIMARY KEY,
      event_id   TEXT    NOT NULL,
      camera     TEXT,
      severity   TEXT    NOT NULL,
      payload    TEXT    NOT NULL,
      created_at INTEGER NOT NULL,
      acked_at   INTEGER,
      UNIQUE (event_id)
    ) STRICT;
    CREATE INDEX outbox_pending ON outbox (id) WHERE acked_at IS NULL;
  `,
};
