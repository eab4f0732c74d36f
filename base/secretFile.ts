import {
  chownSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a small secret file atomically and durably: mode 0600 in a 0700 directory, written to a
 * temporary name, fsync'd, renamed over the old one, the directory fsync'd (a power cut leaves the
 * old file or the new one, never half of one). Run as root (a command typed on the console), the
 * directory and the file are given to the owner of `owner` (the data directory), so the service
 * user can still read them.
 */
export function writeSecretFile(file: string, text: string, owner?: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const ids = owner === undefined ? undefined : ownerIds(owner);
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(temporary, ids.uid, ids.gid);
  }
  renameSync(temporary, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** The uid and gid to give files to: `path`'s owner, when we are root and it is someone else. */
function ownerIds(path: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined || stat.uid === 0 ? undefined : { uid: stat.uid, gid: stat.gid };
}

/** The file's text, or null when it does not exist; any other failure is thrown, naming the file. */
export function readSecretFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}
