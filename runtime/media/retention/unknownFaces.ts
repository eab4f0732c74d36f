import type { Database } from 'better-sqlite3';
import type { Owners } from './heldMedia';
import type { Deletable } from './selection';

/** An unknown face kept for review; its size is its JPEG crop's (the cap is on crops). */
export interface UnknownFace extends Deletable {
  id: number;
  owners: Owners;
}

const SELECT_FACES = `
  SELECT f.id, f.seen_at, coalesce(length(f.crop), 0) AS bytes, f.event_id, e.incident_id
    FROM face_unknown f LEFT JOIN events e ON e.id = f.event_id
   ORDER BY f.seen_at, f.id`;

/** Every unknown face, oldest first, with the event and incident it was seen in. */
export function loadUnknownFaces(db: Database): UnknownFace[] {
  const rows = db.prepare(SELECT_FACES).all() as Array<{
    id: number;
    seen_at: number;
    bytes: number;
    event_id: string | null;
    incident_id: string | null;
  }>;
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.seen_at,
    bytes: row.bytes,
    owners: { paths: [], incidentIds: [row.incident_id], eventIds: [row.event_id] },
  }));
}

/** Deletes unknown faces by id; returns the ids that were still there. */
export function deleteUnknownFaces(db: Database, ids: readonly number[]): Set<number> {
  const gone = db
    .prepare('DELETE FROM face_unknown WHERE id IN (SELECT value FROM json_each(?)) RETURNING id')
    .all(JSON.stringify(ids)) as Array<{ id: number }>;
  return new Set(gone.map((row) => row.id));
}
