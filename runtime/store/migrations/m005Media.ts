import type { Migration } from './index';

/**
 * Media: every clip, snapshot and thumbnail file under data_dir is one `media` row (path relative
 * to data_dir), so retention can sum sizes per kind and delete oldest first, and a sweep can find
 * rows without a file and files without a row. Incidents learn their clip (state, path, the gaps
 * where the camera recorded nothing), their best snapshot, and a `protected` flag that retention
 * honours.
 */
export const media: Migration = {
  version: 5,
  name: 'media',
  sql: `
    CREATE TABLE media (
      path        TEXT    PRIMARY KEY,
      kind        TEXT    NOT NULL CHECK (kind IN ('clip', 'snapshot', 'thumbnail')),
      camera      TEXT,
      incident_id TEXT,
      event_id    TEXT,
      bytes       INTEGER NOT NULL,
      created_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX media_kind_created ON media (kind, created_at);
    CREATE INDEX media_incident ON media (incident_id);

    -- clip_state: NULL (no clip wanted), 'recording' (waiting for post_capture after the end),
    -- 'ready', 'failed' (the reason is in the audit trail), 'missing' (no recording covered it).
    ALTER TABLE incidents ADD COLUMN clip_state TEXT;
    ALTER TABLE incidents ADD COLUMN clip_path TEXT;
    ALTER TABLE incidents ADD COLUMN clip_gaps TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE incidents ADD COLUMN snapshot_path TEXT;
    ALTER TABLE incidents ADD COLUMN protected INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX incidents_clip_recording ON incidents (camera) WHERE clip_state = 'recording';
  `,
};
