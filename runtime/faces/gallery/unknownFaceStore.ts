import type { Database } from 'better-sqlite3';
import { blobToDescriptor, descriptorToBlob } from './descriptorBlob';

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
  /** How well it was seen: detector confidence, smaller side of the face box (px), sharpness. */
  quality: { detectionScore: number; sizePx: number; sharpness: number };
}

/** An unknown face with what enrolling it needs; `quality` is null for faces kept before it was stored. */
export interface StoredUnknownFace {
  id: number;
  seenAt: number;
  camera: string | null;
  descriptor: Float32Array;
  crop: Buffer | null;
  quality: NewUnknownFace['quality'] | null;
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
          `INSERT INTO face_unknown (seen_at, camera, event_id, score, descriptor, crop, detection_score, size_px, sharpness)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          face.seenAt,
          face.camera,
          face.eventId,
          face.score,
          descriptorToBlob(face.descriptor),
          face.crop,
          face.quality.detectionScore,
          face.quality.sizePx,
          face.quality.sharpness,
        ).lastInsertRowid,
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

  /** One unknown face with its descriptor; undefined once pruned. */
  face(id: number): StoredUnknownFace | undefined {
    const row = this.#db
      .prepare(
        `SELECT id, seen_at, camera, descriptor, crop, detection_score, size_px, sharpness
           FROM face_unknown WHERE id = ?`,
      )
      .get(id) as
      | {
          id: number;
          seen_at: number;
          camera: string | null;
          descriptor: Buffer;
          crop: Buffer | null;
          detection_score: number | null;
          size_px: number | null;
          sharpness: number | null;
        }
      | undefined;
    if (!row) return undefined;
    const { detection_score, size_px, sharpness } = row;
    return {
      id: row.id,
      seenAt: row.seen_at,
      camera: row.camera,
      descriptor: blobToDescriptor(row.descriptor),
      crop: row.crop,
      quality:
        detection_score === null || size_px === null || sharpness === null
          ? null
          : { detectionScore: detection_score, sizePx: size_px, sharpness },
    };
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM face_unknown').get() as { n: number }).n;
  }
}
