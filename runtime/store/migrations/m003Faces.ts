import type { Migration } from './index';

/**
 * The face gallery: enrolled people (on the known list or the blacklist), several descriptors per
 * person with the face thumbnail each came from, and unknown faces kept for `unknown_retain_days`.
 * Descriptors are 1024 little-endian float32s, L2-normalised. Names are unique ignoring case.
 */
export const faces: Migration = {
  version: 3,
  name: 'faces',
  sql: `
    CREATE TABLE face_people (
      id         INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
      list       TEXT    NOT NULL CHECK (list IN ('known', 'blacklist')),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE face_descriptors (
      id              INTEGER PRIMARY KEY,
      person_id       INTEGER NOT NULL REFERENCES face_people (id) ON DELETE CASCADE,
      descriptor      BLOB    NOT NULL,
      thumbnail       BLOB,
      source          TEXT    NOT NULL,
      detection_score REAL    NOT NULL,
      sharpness       REAL    NOT NULL,
      created_at      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX face_descriptors_person ON face_descriptors (person_id);

    CREATE TABLE face_unknown (
      id         INTEGER PRIMARY KEY,
      seen_at    INTEGER NOT NULL,
      camera     TEXT,
      event_id   TEXT,
      score      REAL    NOT NULL,
      descriptor BLOB    NOT NULL,
      crop       BLOB
    ) STRICT;
    CREATE INDEX face_unknown_seen_at ON face_unknown (seen_at);
  `,
};
