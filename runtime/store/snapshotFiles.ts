import { basename, dirname, join } from 'node:path';
import { datedMediaPath, kindDir } from './mediaPaths';

/** The three files kept for one tracked object's best frame, as paths relative to data_dir. */
export interface SnapshotFiles {
  /** The clean frame: `snapshots/YYYY-MM-DD/<camera>-<object>.jpg`. */
  snapshot: string;
  /** The same frame with boxes, labels and zones: `snapshots/YYYY-MM-DD/<camera>-<object>-annotated.jpg`. */
  annotated: string;
  /** A small crop-free preview: `thumbnails/YYYY-MM-DD/<camera>-<object>.jpg`. */
  thumbnail: string;
}

/** Where the snapshot files of an object first seen at `at` go. */
export function snapshotFilesFor(
  camera: string,
  objectId: string,
  at: number,
  timeZone?: string,
): SnapshotFiles {
  const stem = `${camera}-${objectId}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const snapshot = datedMediaPath('snapshot', at, `${stem}.jpg`, timeZone);
  return snapshotFilesOf(snapshot) as SnapshotFiles;
}

/**
 * The set a stored snapshot path (an event's `data.snapshot`) belongs to, or null when the path
 * is not a snapshot path Vigil writes.
 */
export function snapshotFilesOf(snapshot: string): SnapshotFiles | null {
  const day = basename(dirname(snapshot));
  const top = dirname(dirname(snapshot));
  const name = basename(snapshot);
  if (top !== kindDir('snapshot') || !/^\d{4}-\d{2}-\d{2}$/.test(day) || !name.endsWith('.jpg')) return null;
  if (name.endsWith('-annotated.jpg')) return null;
  const stem = name.slice(0, -'.jpg'.length);
  return {
    snapshot,
    annotated: join(top, day, `${stem}-annotated.jpg`),
    thumbnail: join(kindDir('thumbnail'), day, `${stem}.jpg`),
  };
}
