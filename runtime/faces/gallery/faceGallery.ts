import type { Database } from 'better-sqlite3';
import type {
  FaceGallery as EnrichmentGallery,
  FaceMatch as EnrichmentMatch,
} from '../../events/enrichment/index';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { DESCRIPTOR_LENGTH } from '../descriptor/faceEmbedder';
import { FaceGalleryError } from '../faceErrors';
import { cosineSimilarity } from '../matching/cosineSimilarity';
import { DescriptorIndex } from '../matching/descriptorIndex';
import type { FaceList, GalleryVerdict } from '../types';
import { GalleryStore, type NewDescriptor, type PersonSummary } from './galleryStore';
import {
  type NewUnknownFace,
  type StoredUnknownFace,
  UnknownFaceStore,
  type UnknownFaceSummary,
} from './unknownFaceStore';

export interface FaceGalleryOptions {
  db: Database;
  /** Acknowledged writes: each change resolves once it is on disk. */
  writer: Pick<GroupCommitWriter, 'write'>;
  /** `faces.recognition_threshold`: cosine similarity a match needs. */
  threshold: number;
  /**
   * `faces.unknown_retain_days`; 0 keeps no unknown faces at all (enforced here, at insert). Older
   * ones are deleted by media retention, which also spares those of unsynced or protected incidents.
   */
  unknownRetainDays: number;
  /** How often matching checks for changes another process (the CLI) made; default 1000 ms. */
  externalCheckMs?: number;
  now?: () => number;
}

/** What an enrollment did. */
export interface EnrollOutcome {
  person: PersonSummary;
  /** True when the person did not exist before. */
  created: boolean;
  added: number;
}

/** The same unknown face seen again on the same camera within this long is not stored again. */
const UNKNOWN_REPEAT_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

/**
 * The enrolled faces and the unknown ones: SQLite for durability, an in-memory index of every
 * descriptor for matching. The index is rebuilt after each change made here, and when another
 * connection (e.g. `vigil faces enroll` while the appliance runs) changed the database.
 */
export class FaceGallery implements EnrichmentGallery {
  readonly #db: Database;
  readonly #writer: Pick<GroupCommitWriter, 'write'>;
  readonly #people: GalleryStore;
  readonly #unknown: UnknownFaceStore;
  readonly #threshold: number;
  readonly #retainMs: number;
  readonly #now: () => number;
  readonly #externalCheckMs: number;
  #index: DescriptorIndex;
  #dataVersion = -1;
  #checkedAt = 0;
  #recentUnknown: Array<{ descriptor: Float32Array; camera: string | null; seenAt: number }> = [];

  constructor(options: FaceGalleryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#people = new GalleryStore(options.db);
    this.#unknown = new UnknownFaceStore(options.db);
    this.#threshold = options.threshold;
    this.#retainMs = options.unknownRetainDays * DAY_MS;
    this.#now = options.now ?? Date.now;
    this.#externalCheckMs = options.externalCheckMs ?? 1000;
    this.#index = this.#reload();
  }

  get threshold(): number {
    return this.#threshold;
  }

  /** Descriptors in the in-memory index. */
  get descriptorCount(): number {
    return this.#index.size;
  }

  /** Who a descriptor belongs to (blacklist first, then known, else unknown). */
  match(descriptor: Float32Array): GalleryVerdict {
    this.#refreshIfChangedElsewhere();
    return this.#index.match(descriptor, this.#threshold);
  }

  /** For the event processor's `face_identity` enricher: the match, distance = 1 − similarity. */
  identify(embedding: number[]): EnrichmentMatch | null {
    const verdict = this.match(Float32Array.from(embedding));
    if (verdict.kind === 'unknown' || verdict.name === null) return null;
    return {
      name: verdict.name,
      list: verdict.kind === 'blacklisted' ? 'blacklist' : 'known',
      distance: 1 - verdict.score,
    };
  }

  people(): PersonSummary[] {
    return this.#people.listPeople();
  }

  person(name: string): PersonSummary | undefined {
    return this.#people.person(name);
  }

  /** The JPEG thumbnail of a person's first enrolled face. */
  thumbnail(name: string): Buffer | undefined {
    return this.#people.thumbnail(name);
  }

  /**
   * Adds descriptors to a person, creating them on `list` (default known). Adding to someone who
   * is on the other list is refused: moving a person on or off the blacklist must be deliberate.
   */
  async enroll(
    name: string,
    list: FaceList | undefined,
    descriptors: NewDescriptor[],
  ): Promise<EnrollOutcome> {
    if (descriptors.length === 0) throw new FaceGalleryError('invalid', 'no face to enroll', 'image');
    const now = this.#now();
    const created = await this.#writer.write((db) => {
      const existing = this.#people.person(name, db);
      if (existing && list !== undefined && existing.list !== list) {
        throw new FaceGalleryError(
          'conflict',
          `${existing.name} is on the ${existing.list} list; move them first (PATCH /api/v1/faces/${existing.name} with list ${list}), or enroll without a list to add photos`,
          'list',
        );
      }
      this.#people.addDescriptors(db, name, existing?.list ?? list ?? 'known', descriptors, now);
      return existing === undefined;
    });
    this.#index = this.#reload();
    return { person: this.#mustFind(name), created, added: descriptors.length };
  }

  /** Deletes a person and their descriptors; returns what they were. */
  async remove(name: string): Promise<PersonSummary> {
    const person = this.#mustFind(name);
    await this.#writer.write((db) => this.#people.removePerson(db, person.name));
    this.#index = this.#reload();
    return person;
  }

  /** Moves a person between the known list and the blacklist. */
  async move(name: string, list: FaceList): Promise<PersonSummary> {
    const person = this.#mustFind(name);
    await this.#writer.write((db) => this.#people.setList(db, person.name, list, this.#now()));
    this.#index = this.#reload();
    return this.#mustFind(person.name);
  }

  /**
   * Keeps an unknown face for review. Returns its id, or null when it was not stored: retention is
   * 0 days, or the same face was stored for this camera in the last 10 minutes.
   */
  async recordUnknown(face: NewUnknownFace): Promise<number | null> {
    if (this.#retainMs <= 0) return null;
    this.#recentUnknown = this.#recentUnknown.filter((seen) => face.seenAt - seen.seenAt < UNKNOWN_REPEAT_MS);
    const repeat = this.#recentUnknown.some(
      (seen) =>
        seen.camera === face.camera && cosineSimilarity(face.descriptor, seen.descriptor) >= this.#threshold,
    );
    if (repeat) return null;
    this.#recentUnknown.push({ descriptor: face.descriptor, camera: face.camera, seenAt: face.seenAt });
    return this.#writer.write((db) => this.#unknown.insert(db, face));
  }

  recentUnknown(limit: number, since?: number): UnknownFaceSummary[] {
    return this.#unknown.recent(limit, since);
  }

  unknownCrop(id: number): Buffer | undefined {
    return this.#unknown.crop(id);
  }

  /** One unknown face with its descriptor; a 404-kind error naming `id` once it was pruned. */
  unknownFace(id: number): StoredUnknownFace {
    const face = this.#unknown.face(id);
    if (!face)
      throw new FaceGalleryError('not_found', `no unknown face ${id} (it may have been pruned)`, 'id');
    return face;
  }

  #mustFind(name: string): PersonSummary {
    const person = this.#people.person(name);
    if (!person) {
      throw new FaceGalleryError(
        'not_found',
        `nobody called '${name}' is enrolled — list them with GET /api/v1/faces or vigil faces list`,
        'name',
      );
    }
    return person;
  }

  #reload(): DescriptorIndex {
    const { people, descriptors } = this.#people.loadIndex();
    this.#dataVersion = this.#currentDataVersion();
    return new DescriptorIndex(people, descriptors, DESCRIPTOR_LENGTH);
  }

  #refreshIfChangedElsewhere(): void {
    const now = Date.now();
    if (now - this.#checkedAt < this.#externalCheckMs) return;
    this.#checkedAt = now;
    // data_version changes only when another connection commits; our own writes reload directly.
    if (this.#currentDataVersion() !== this.#dataVersion) this.#index = this.#reload();
  }

  #currentDataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}
