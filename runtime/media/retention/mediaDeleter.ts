import { unlink } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../base/logger';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import type { MediaKind } from '../../store/mediaPaths';
import { resolveMediaPath } from '../../store/mediaPaths';
import { isHeld, loadHeldMedia } from './heldMedia';
import type { MediaUnit } from './mediaUnits';
import type { DeleteReason } from './retentionTypes';
import type { SweepTally } from './sweepTally';
import { deleteUnknownFaces, type UnknownFace } from './unknownFaces';

export interface MediaDeleterOptions {
  db: Database;
  writer: Pick<GroupCommitWriter, 'write'>;
  dataDir: string;
  logger: Logger;
  tally: SweepTally;
  /** True once retention is closing: deletion stops between batches. */
  stopping: () => boolean;
  /** Units (or faces) per database write; default 100. */
  batchSize?: number;
}

/** A media row without its file, or a file being deleted: what the database must forget. */
export interface MediaRowRef {
  path: string;
  kind: MediaKind;
  bytes: number;
}

/**
 * Deletes media the one safe way: the file first, then, in one write, its row and every incident
 * pointer at it (`clip_path` → NULL with `clip_state` 'deleted', `snapshot_path` → NULL). A crash
 * between the two leaves a row without a file, which the next sweep's reconcile removes; the
 * reverse order could leave a file nobody can find. Work goes in batches: one commit (one fsync)
 * per batch, and what is held is re-read before each batch.
 */
export class MediaDeleter {
  readonly #options: MediaDeleterOptions;
  readonly #batchSize: number;

  constructor(options: MediaDeleterOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 100;
  }

  /** Deletes the units' files and rows; returns the units deleted (held ones and failures are skipped). */
  async deleteUnits(units: readonly MediaUnit[], reason: DeleteReason): Promise<MediaUnit[]> {
    const deleted: MediaUnit[] = [];
    for (let start = 0; start < units.length; start += this.#batchSize) {
      if (this.#options.stopping()) break;
      const held = loadHeldMedia(this.#options.db);
      const batch = units.slice(start, start + this.#batchSize).filter((unit) => !isHeld(held, unit.owners));
      const gone: MediaRowRef[] = [];
      for (const unit of batch) {
        const files = await this.#unlinkAll(unit);
        gone.push(...files);
        if (files.length === unit.files.length) deleted.push(unit);
      }
      await this.forgetRows(gone, reason);
    }
    return deleted;
  }

  /** Removes rows (and incident pointers at them) whose files are gone, recording each. */
  async forgetRows(rows: readonly MediaRowRef[], reason: DeleteReason): Promise<void> {
    if (rows.length === 0) return;
    const paths = JSON.stringify(rows.map((row) => row.path));
    await this.#options.writer.write((db) => forgetMediaRows(db, paths));
    for (const row of rows) this.#options.tally.record(row, reason);
  }

  /** Deletes a file no row knows; false if it could not be removed. */
  async deleteOrphanFile(file: MediaRowRef): Promise<boolean> {
    if (!(await this.#unlink(file.path))) return false;
    this.#options.tally.record(file, 'orphan');
    return true;
  }

  /** Deletes unknown faces (rows only: their crops live in the database); returns how many went. */
  async deleteFaces(faces: readonly UnknownFace[], reason: DeleteReason): Promise<number> {
    let count = 0;
    for (let start = 0; start < faces.length; start += this.#batchSize) {
      if (this.#options.stopping()) break;
      const held = loadHeldMedia(this.#options.db);
      const batch = faces.slice(start, start + this.#batchSize).filter((face) => !isHeld(held, face.owners));
      if (batch.length === 0) continue;
      const ids = batch.map((face) => face.id);
      const gone = await this.#options.writer.write((db) => deleteUnknownFaces(db, ids));
      for (const face of batch) {
        if (!gone.has(face.id)) continue;
        count += 1;
        this.#options.tally.record({ kind: 'unknown_face', id: face.id, bytes: face.bytes }, reason);
      }
    }
    return count;
  }

  async #unlinkAll(unit: MediaUnit): Promise<MediaRowRef[]> {
    const gone: MediaRowRef[] = [];
    for (const file of unit.files) if (await this.#unlink(file.path)) gone.push(file);
    return gone;
  }

  /** True when the file is gone now (deleted, or already missing). */
  async #unlink(path: string): Promise<boolean> {
    const full = resolveMediaPath(this.#options.dataDir, path);
    // A stored path that leads outside data_dir names no file of ours: only its row is dropped.
    if (full === null) return true;
    try {
      await unlink(full);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      this.#options.logger.warn(
        { err, path },
        'retention could not delete a media file; it stays listed and is retried next sweep',
      );
      return false;
    }
  }
}

/** `paths` is a JSON array of media paths. Runs inside a group-commit write. */
function forgetMediaRows(db: Database, paths: string): void {
  db.prepare('DELETE FROM media WHERE path IN (SELECT value FROM json_each(?))').run(paths);
  db.prepare(
    "UPDATE incidents SET clip_path = NULL, clip_state = 'deleted' WHERE clip_path IN (SELECT value FROM json_each(?))",
  ).run(paths);
  db.prepare(
    'UPDATE incidents SET snapshot_path = NULL WHERE snapshot_path IN (SELECT value FROM json_each(?))',
  ).run(paths);
}
