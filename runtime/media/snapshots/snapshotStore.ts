import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Counter } from 'prom-client';
import { writeFilesAtomically } from '../../../base/atomicFiles';
import type { Logger } from '../../../base/logger';
import type { Metrics } from '../../metrics/metrics';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import type { MediaKind } from '../../store/mediaPaths';
import { type SnapshotFiles, snapshotFilesFor, snapshotFilesOf } from '../../store/snapshotFiles';
import { mediaIndex } from '../mediaIndex';
import { encodeSnapshotImages } from './snapshotImages';
import type { SnapshotRequest, SnapshotSaver } from './snapshotSaver';

/** The database side of the store. `StoreService` fits as is: it is only read on first use, after it started. */
interface SnapshotDatabase {
  readonly db: Database;
  readonly writer: GroupCommitWriter;
}

export interface SnapshotStoreOptions {
  /** data_dir: snapshot paths are relative to it. */
  dataDir: string;
  store: SnapshotDatabase;
  /** device.timezone: day folders follow the local date. */
  timeZone?: string;
  logger: Logger;
  /** Counts saves and failures as `vigil_snapshots_total{camera, outcome}` when given. */
  metrics?: Metrics;
}

export interface SnapshotStoreStats {
  saved: number;
  failed: number;
}

/**
 * Keeps the best frame of each tracked object as three JPEG files (clean, annotated, thumbnail;
 * see `snapshotFilesFor`), registered in the `media` table once they are complete on disk, and
 * remembers the latest snapshot per camera (for the status page and the Home Assistant image),
 * which survives a restart because it is read back from `media`.
 */
export class SnapshotStore implements SnapshotSaver {
  readonly dataDir: string;
  readonly #options: SnapshotStoreOptions;
  readonly #counter: Counter<'camera' | 'outcome'> | undefined;
  readonly #stats: SnapshotStoreStats = { saved: 0, failed: 0 };
  /** Saves still writing, by snapshot path: a re-save of the same object waits for the one before. */
  readonly #writing = new Map<string, Promise<unknown>>();
  #latest: Map<string, SnapshotFiles> | undefined;

  constructor(options: SnapshotStoreOptions) {
    this.#options = options;
    this.dataDir = options.dataDir;
    this.#counter = options.metrics?.counter({
      name: 'vigil_snapshots_total',
      help: 'Object snapshots written (outcome=saved) or lost to an error (outcome=failed), per camera',
      labelNames: ['camera', 'outcome'],
    });
  }

  /**
   * Writes (or overwrites, for a better frame of the same object) the object's three files and
   * upserts their `media` rows in one durable write. Resolves to the files, or to null after
   * logging and counting a failure: it never rejects.
   */
  save(request: SnapshotRequest): Promise<SnapshotFiles | null> {
    let files: SnapshotFiles;
    try {
      files = snapshotFilesFor(request.camera, request.objectId, request.at, this.#options.timeZone);
    } catch (err) {
      return Promise.resolve(this.#failed(request, err));
    }
    const previous = this.#writing.get(files.snapshot) ?? Promise.resolve();
    const saving = previous.then(() => this.#write(request, files));
    this.#writing.set(files.snapshot, saving);
    void saving.finally(() => {
      if (this.#writing.get(files.snapshot) === saving) this.#writing.delete(files.snapshot);
    });
    return saving;
  }

  /** The latest snapshot saved on a camera, or null when it has not seen an object yet. */
  latest(camera: string): SnapshotFiles | null {
    return this.#latestByCamera().get(camera) ?? null;
  }

  stats(): SnapshotStoreStats {
    return { ...this.#stats };
  }

  async #write(request: SnapshotRequest, files: SnapshotFiles): Promise<SnapshotFiles | null> {
    const { camera } = request;
    try {
      const images = await encodeSnapshotImages(request);
      const written: Array<{ path: string; kind: MediaKind; data: Buffer }> = [
        { path: files.snapshot, kind: 'snapshot', data: images.snapshot },
        { path: files.annotated, kind: 'snapshot', data: images.annotated },
        { path: files.thumbnail, kind: 'thumbnail', data: images.thumbnail },
      ];
      await writeFilesAtomically(
        written.map((file) => ({ path: join(this.dataDir, file.path), data: file.data })),
      );
      const createdAt = Date.now();
      await this.#options.store.writer.write((db) => {
        for (const file of written) {
          mediaIndex.upsert(db, {
            path: file.path,
            kind: file.kind,
            camera,
            incident_id: null,
            event_id: null,
            bytes: file.data.length,
            created_at: createdAt,
          });
        }
      });
      this.#latestByCamera().set(camera, files);
      this.#stats.saved++;
      this.#counter?.inc({ camera, outcome: 'saved' });
      return files;
    } catch (err) {
      return this.#failed(request, err);
    }
  }

  #failed(request: SnapshotRequest, err: unknown): null {
    this.#stats.failed++;
    this.#counter?.inc({ camera: request.camera, outcome: 'failed' });
    this.#options.logger.warn(
      { err, camera: request.camera, objectId: request.objectId },
      'could not save the object snapshot; its events go without one',
    );
    return null;
  }

  /** The latest per camera, read from `media` on first use (the store may start after construction). */
  #latestByCamera(): Map<string, SnapshotFiles> {
    if (this.#latest) return this.#latest;
    const latest = new Map<string, SnapshotFiles>();
    // SQLite returns the other columns of the row holding max(created_at) of each group.
    const rows = this.#options.store.db
      .prepare(
        `SELECT camera, path, max(created_at) AS created_at FROM media
         WHERE kind = 'snapshot' AND camera IS NOT NULL AND path NOT LIKE '%-annotated.jpg'
         GROUP BY camera`,
      )
      .all() as Array<{ camera: string; path: string }>;
    for (const row of rows) {
      const files = snapshotFilesOf(row.path);
      if (files) latest.set(row.camera, files);
    }
    this.#latest = latest;
    return latest;
  }
}
