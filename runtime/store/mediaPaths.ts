import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The kinds of media files Vigil keeps under data_dir, each in its own directory. */
export type MediaKind = 'clip' | 'snapshot' | 'thumbnail';

const KIND_DIRS: Readonly<Record<MediaKind, string>> = {
  clip: 'clips',
  snapshot: 'snapshots',
  thumbnail: 'thumbnails',
};

/** The top directory (relative to data_dir) of one kind: `clips`, `snapshots`, `thumbnails`. */
export function kindDir(kind: MediaKind): string {
  return KIND_DIRS[kind];
}

/** Every kind with its top directory, for sweeps that walk them all. */
export function kindDirs(): Array<[MediaKind, string]> {
  return Object.entries(KIND_DIRS) as Array<[MediaKind, string]>;
}

/** `YYYY-MM-DD` of a time in the device's time zone (so a day's folder matches its local date). */
export function dayFolder(at: number, timeZone?: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/**
 * The path, relative to data_dir, of a new media file: `<kind dir>/YYYY-MM-DD/<name>`. `name` must
 * be a plain file name (camera and object ids are checked by the config and tracker).
 */
export function datedMediaPath(kind: MediaKind, at: number, name: string, timeZone?: string): string {
  if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
    throw new Error(`media file name '${name}' must be a plain file name`);
  return join(KIND_DIRS[kind], dayFolder(at, timeZone), name);
}

/**
 * The absolute path of a stored relative media path, or null when it would leave data_dir (an
 * absolute path, `..`): a database row can never make the API serve a file outside the data.
 */
export function resolveMediaPath(dataDir: string, stored: string): string | null {
  if (stored === '' || isAbsolute(stored)) return null;
  const root = resolve(dataDir);
  const full = resolve(root, stored);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return full;
}
