import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../base/logger';
import { type MediaKind, resolveMediaPath } from '../../store/mediaPaths';
import { mediaIndex } from '../mediaIndex';
import type { MediaDeleter, MediaRowRef } from './mediaDeleter';
import { listMediaFiles } from './mediaFiles';

export interface ReconcileOptions {
  db: Database;
  dataDir: string;
  deleter: MediaDeleter;
  logger: Logger;
  /** A file without a row is only an orphan once it is this old (its writer may be about to register it). */
  graceMs: number;
  now: number;
  stopping: () => boolean;
}

/**
 * Makes the `media` table and the files agree: rows whose file is gone are dropped (with the
 * incident pointers at them), and files no row knows, older than the grace period, are deleted,
 * as are `*.part` leftovers of interrupted writes.
 *
 * Rows are read before the directories are listed. Writers register a row only once its file is
 * complete, so every row read names a file that the listing will see unless it is really gone;
 * a file that appears after the rows were read is younger than the grace period and left alone.
 */
export async function reconcileMedia(options: ReconcileOptions): Promise<void> {
  const { db, dataDir, deleter, logger } = options;
  const rows = db.prepare('SELECT path, kind, bytes FROM media').all() as MediaRowRef[];
  const listing = await listMediaFiles(dataDir, logger);

  const missing = rows.filter(
    (row) =>
      !listing.files.has(row.path) &&
      !listing.unreadable.has(row.kind) &&
      // Checked once more by name: a listing is not worth dropping a row for a file that is there.
      !fileExists(dataDir, row.path),
  );
  await deleter.forgetRows(missing, 'missing');

  const known = new Set(rows.map((row) => row.path));
  for (const [path, kind] of listing.files) {
    if (options.stopping()) return;
    if (known.has(path)) continue;
    const orphan = await orphanOlderThanGrace(options, path, kind);
    if (orphan !== null) await deleter.deleteOrphanFile(orphan);
  }
}

/** The orphan to delete, or null when it is young, gone, or was registered meanwhile. */
async function orphanOlderThanGrace(
  options: ReconcileOptions,
  path: string,
  kind: MediaKind,
): Promise<MediaRowRef | null> {
  const full = resolveMediaPath(options.dataDir, path);
  if (full === null) return null;
  try {
    // mtime, not birth time: a file still being written keeps looking young.
    const stats = await lstat(full);
    if (options.now - stats.mtimeMs < options.graceMs) return null;
    if (mediaIndex.get(options.db, path) !== undefined) return null;
    return { path, kind, bytes: stats.size };
  } catch {
    return null;
  }
}

function fileExists(dataDir: string, path: string): boolean {
  const full = resolveMediaPath(dataDir, path);
  return full !== null && existsSync(full);
}
