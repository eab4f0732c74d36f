import type { Database } from 'better-sqlite3';
import { descriptorToBlob } from './descriptorBlob';

/** An unknown face to keep. */
export interface NewUnknownFace {
  seenAt: number;
  camera: string | null;
  eventId: string | null;
  /** Similarity to the closest enrolled person. */
  score: number;
  descriptor: Float32Array;
  /** JPEG crop of the face. */
  crop: Buffer | null;
}

/** An unknown face as listed (without the bytes). */
export interface UnknownFaceSummary {
  id: number;
  seen_at: number;
  camera: string | null;
  event_id: string | null;
  score: number;
  has_crop: boolean;
}

/** SQL for the unknown faces kept for review (`face_unknown`, migration m003). */
export class UnknownFaceStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  insert(db: Database, face: NewUnknownFace): number {
    return Number(
      db
        .prepare(
          'INSERT INTO face_unknown (seen_at, camera, event_id, score, descriptor, crop) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(face.seenAt, face.camera, face.eventId, face.score, descriptorToBlob(face.descriptor), face.crop)
        .lastInsertRowid,
    );
  }

  /** Newest first, at most `limit`, optionally only those seen at or after `since` (ms). */
  recent(limit: number, since = 0): UnknownFaceSummary[] {
    const rows = this.#db
      .prepare(
        `SELECT id, seen_at, camera, event_id, score, crop IS NOT NULL AS has_crop
           FROM face_unknown WHERE seen_at >= ? ORDER BY seen_at DESC, id DESC LIMIT ?`,
      )
      .all(since, limit) as Array<Omit<UnknownFaceSummary, 'has_crop'> & { has_crop: number }>;
    return rows.map((row) => ({ ...row, has_crop: row.has_crop === 1 }));
  }

  /** The JPEG crop of one unknown face. */
  crop(id: number): Buffer | undefined {
    const row = this.#db.prepare('SELECT crop FROM face_unknown WHERE id = ?').get(id) as
      | { crop: Buffer | null }
      | undefined;
    return row?.crop ?? undefined;
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM face_unknown').get() as { n: number }).n;
  }
}
