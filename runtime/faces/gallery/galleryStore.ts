import type { Database } from 'better-sqlite3';
import type { IndexedDescriptor, IndexedPerson } from '../matching/descriptorIndex';
import type { FaceList } from '../types';
import { blobToDescriptor, descriptorToBlob } from './descriptorBlob';

/** An enrolled person as listed by the API and the CLI. */
export interface PersonSummary {
  name: string;
  list: FaceList;
  descriptors: number;
  created_at: number;
  updated_at: number;
}

/** One descriptor to store for a person. */
export interface NewDescriptor {
  descriptor: Float32Array;
  /** JPEG of the face it came from. */
  thumbnail: Buffer | null;
  /** Where it came from: a file name, or `upload`. */
  source: string;
  detectionScore: number;
  sharpness: number;
}

interface PersonRow {
  id: number;
  name: string;
  list: FaceList;
  created_at: number;
  updated_at: number;
}

/**
 * SQL for the enrolled people and their descriptors (tables of migration m003). Reads run on the
 * database directly; the write methods take the database so they can run inside a group commit.
 */
export class GalleryStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Everyone, by name, with how many descriptors each has. */
  listPeople(): PersonSummary[] {
    return this.#db
      .prepare(
        `SELECT p.name, p.list, p.created_at, p.updated_at, count(d.id) AS descriptors
           FROM face_people p LEFT JOIN face_descriptors d ON d.person_id = p.id
          GROUP BY p.id ORDER BY p.name COLLATE NOCASE`,
      )
      .all() as PersonSummary[];
  }

  /** One person (name compared ignoring case), or undefined. */
  person(name: string, db: Database = this.#db): PersonSummary | undefined {
    return db
      .prepare(
        `SELECT p.name, p.list, p.created_at, p.updated_at,
                (SELECT count(*) FROM face_descriptors d WHERE d.person_id = p.id) AS descriptors
           FROM face_people p WHERE p.name = ?`,
      )
      .get(name) as PersonSummary | undefined;
  }

  /** Everything the in-memory index needs. */
  loadIndex(): { people: IndexedPerson[]; descriptors: IndexedDescriptor[] } {
    const people = this.#db.prepare('SELECT id, name, list FROM face_people').all() as IndexedPerson[];
    const rows = this.#db.prepare('SELECT person_id, descriptor FROM face_descriptors').all() as Array<{
      person_id: number;
      descriptor: Buffer;
    }>;
    return {
      people,
      descriptors: rows.map((row) => ({
        personId: row.person_id,
        descriptor: blobToDescriptor(row.descriptor),
      })),
    };
  }

  /** Creates the person if needed and adds descriptors; returns the person's row. */
  addDescriptors(
    db: Database,
    name: string,
    list: FaceList,
    descriptors: NewDescriptor[],
    now: number,
  ): PersonRow {
    let person = db
      .prepare('SELECT id, name, list, created_at, updated_at FROM face_people WHERE name = ?')
      .get(name) as PersonRow | undefined;
    if (!person) {
      const id = Number(
        db
          .prepare('INSERT INTO face_people (name, list, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(name, list, now, now).lastInsertRowid,
      );
      person = { id, name, list, created_at: now, updated_at: now };
    } else {
      db.prepare('UPDATE face_people SET updated_at = ? WHERE id = ?').run(now, person.id);
    }
    const insert = db.prepare(
      `INSERT INTO face_descriptors (person_id, descriptor, thumbnail, source, detection_score, sharpness, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const d of descriptors) {
      insert.run(
        person.id,
        descriptorToBlob(d.descriptor),
        d.thumbnail,
        d.source,
        d.detectionScore,
        d.sharpness,
        now,
      );
    }
    return person;
  }

  /** Deletes a person and their descriptors; false when there was nobody by that name. */
  removePerson(db: Database, name: string): boolean {
    return db.prepare('DELETE FROM face_people WHERE name = ?').run(name).changes > 0;
  }

  /** Moves a person to another list; false when there was nobody by that name. */
  setList(db: Database, name: string, list: FaceList, now: number): boolean {
    return (
      db.prepare('UPDATE face_people SET list = ?, updated_at = ? WHERE name = ?').run(list, now, name)
        .changes > 0
    );
  }

  /** The thumbnail of a person's first descriptor that has one. */
  thumbnail(name: string): Buffer | undefined {
    const row = this.#db
      .prepare(
        `SELECT d.thumbnail FROM face_descriptors d JOIN face_people p ON p.id = d.person_id
          WHERE p.name = ? AND d.thumbnail IS NOT NULL ORDER BY d.id LIMIT 1`,
      )
      .get(name) as { thumbnail: Buffer } | undefined;
    return row?.thumbnail;
  }
}
