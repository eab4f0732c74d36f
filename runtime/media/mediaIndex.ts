import type { Database } from 'better-sqlite3';
import type { MediaKind } from '../store/mediaPaths';

/** One media file as the `media` table knows it (path relative to data_dir). */
export interface MediaRow {
  path: string;
  kind: MediaKind;
  camera: string | null;
  incident_id: string | null;
  event_id: string | null;
  bytes: number;
  created_at: number;
}

/**
 * The `media` table: one row per clip, snapshot or thumbnail file. Writers call `upsert` in the
 * same group-commit write that points an incident or event at the file, after the file is
 * complete on disk, so a row never names a half-written file.
 */
export const mediaIndex = {
  upsert(db: Database, row: MediaRow): void {
    db.prepare(
      `INSERT INTO media (path, kind, camera, incident_id, event_id, bytes, created_at)
       VALUES (@path, @kind, @camera, @incident_id, @event_id, @bytes, @created_at)
       ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes, created_at = excluded.created_at,
         incident_id = COALESCE(excluded.incident_id, media.incident_id),
         event_id = COALESCE(excluded.event_id, media.event_id)`,
    ).run(row);
  },

  remove(db: Database, path: string): boolean {
    return db.prepare('DELETE FROM media WHERE path = ?').run(path).changes > 0;
  },

  get(db: Database, path: string): MediaRow | undefined {
    return db.prepare('SELECT * FROM media WHERE path = ?').get(path) as MediaRow | undefined;
  },

  /** Total bytes per kind. */
  totals(db: Database): Record<MediaKind, number> {
    const totals: Record<MediaKind, number> = { clip: 0, snapshot: 0, thumbnail: 0 };
    const rows = db.prepare('SELECT kind, sum(bytes) AS bytes FROM media GROUP BY kind').all() as Array<{
      kind: MediaKind;
      bytes: number;
    }>;
    for (const row of rows) totals[row.kind] = row.bytes;
    return totals;
  },
};
