import type { Dirent } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../base/logger';
import { dayFolder, kindDirs, type MediaKind } from '../../store/mediaPaths';

const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The files retention looks after, by path relative to data_dir. */
export interface MediaFileListing {
  files: Map<string, MediaKind>;
  /** Kinds whose directory could not be read (other than not existing): nothing of them is judged this sweep. */
  unreadable: Set<MediaKind>;
}

/**
 * Lists what Vigil writes under the kind directories: every file in a day folder
 * (`clips/YYYY-MM-DD/…`), and `*.part` leftovers of interrupted writes at the top of a kind
 * directory. Anything else there (other folders, other top-level files) is not ours to judge and
 * is left alone.
 */
export async function listMediaFiles(dataDir: string, logger: Logger): Promise<MediaFileListing> {
  const files = new Map<string, MediaKind>();
  const unreadable = new Set<MediaKind>();
  for (const [kind, dir] of kindDirs()) {
    const cannotRead = (path: string) => {
      unreadable.add(kind);
      logger.warn({ kind, dir: path }, 'retention cannot read a media directory; its files are left alone');
    };
    const top = await readDir(join(dataDir, dir));
    if (top === 'failed') {
      cannotRead(join(dataDir, dir));
      continue;
    }
    for (const entry of top) {
      if (entry.isFile() && entry.name.endsWith('.part')) files.set(join(dir, entry.name), kind);
      if (!entry.isDirectory() || !DAY_FOLDER.test(entry.name)) continue;
      const day = await readDir(join(dataDir, dir, entry.name));
      if (day === 'failed') cannotRead(join(dataDir, dir, entry.name));
      else for (const file of day) if (file.isFile()) files.set(join(dir, entry.name, file.name), kind);
    }
  }
  return { files, unreadable };
}

/**
 * Deletes every `*.part` under the kind directories (at their top and in day folders), whatever
 * its age: leftovers of writes a crash or power cut interrupted. Only for start-up, before any
 * writer of this process runs (a `.part` being written now would lose its file); later sweeps
 * leave young ones to their writers. Returns the paths removed, relative to data_dir.
 */
export async function removeInterruptedWrites(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  const sweep = async (relativeDir: string, entries: Dirent[]) => {
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.part')) continue;
      const path = join(relativeDir, entry.name);
      await rm(join(dataDir, path), { force: true });
      removed.push(path);
    }
  };
  for (const [, dir] of kindDirs()) {
    const top = await readDir(join(dataDir, dir));
    if (top === 'failed') continue;
    await sweep(dir, top);
    for (const entry of top) {
      if (!entry.isDirectory() || !DAY_FOLDER.test(entry.name)) continue;
      const day = await readDir(join(dataDir, dir, entry.name));
      if (day !== 'failed') await sweep(join(dir, entry.name), day);
    }
  }
  return removed;
}

/**
 * Removes empty day folders older than yesterday (device time zone). Today's and yesterday's stay:
 * a writer may be about to put a file in one (an object first seen at 23:59 is filed under its day).
 */
export async function removeEmptyDayDirs(dataDir: string, now: number, timeZone: string): Promise<number> {
  const keepFrom = dayFolder(now - DAY_MS, timeZone);
  let removed = 0;
  for (const [, dir] of kindDirs()) {
    const top = await readDir(join(dataDir, dir));
    if (top === 'failed') continue;
    for (const entry of top) {
      if (!entry.isDirectory() || !DAY_FOLDER.test(entry.name) || entry.name >= keepFrom) continue;
      try {
        // rmdir refuses a folder that is not empty: nothing is lost if a file just arrived.
        await rmdir(join(dataDir, dir, entry.name));
        removed += 1;
      } catch {
        // Not empty, or already gone.
      }
    }
  }
  return removed;
}

/** The entries of a directory; none when it does not exist; 'failed' when it cannot be read. */
async function readDir(path: string): Promise<Dirent[] | 'failed'> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? [] : 'failed';
  }
}
