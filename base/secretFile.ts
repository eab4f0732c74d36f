import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { FileOwner } from './fileOwner';

/**
 * Writes a small secret file atomically and durably: mode 0600 in a 0700 directory, written to a
 * temporary name, fsync'd, renamed over the old one, the directory fsync'd (a power cut leaves the
 * old file or the new one, never half of one). With an `owner` (see secretFileOwner), the file and
 * every directory made for it become the owner's, so the daemon can read what root wrote.
 */
export function writeSecretFile(file: string, text: string, owner: FileOwner | null): void {
  const dir = dirname(file);
  const firstCreated = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) {
    for (const path of firstCreated ? directoriesFrom(firstCreated, dir) : [dir])
      chownOpened(path, owner, true);
  }
  const temporary = `${file}.tmp`;
  // Created afresh, never through a link: as root, in a directory another user can write to, a
  // planted `<file>.tmp` symlink must not make root truncate and hand over some other file.
  rmSync(temporary, { force: true });
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    fchmodSync(fd, 0o600);
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
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

/**
 * Gives a secret file and its directory back to `owner` where they are someone else's (an older
 * version left them root's); true if it did.
 */
export function giveBackSecretFile(file: string, owner: FileOwner): boolean {
  const directory = chownOpened(dirname(file), owner, true);
  return chownOpened(file, owner, false) || directory;
}

/**
 * Chowns `path` through a descriptor opened without following a symlink (a link planted in place
 * of the file or directory fails with ELOOP), so root never hands over anything outside data_dir.
 * True when the owner changed.
 */
function chownOpened(path: string, owner: FileOwner, directory: boolean): boolean {
  const fd = openSync(
    path,
    constants.O_RDONLY | constants.O_NOFOLLOW | (directory ? constants.O_DIRECTORY : 0),
  );
  try {
    const stats = fstatSync(fd);
    if (stats.uid === owner.uid && stats.gid === owner.gid) return false;
    fchownSync(fd, owner.uid, owner.gid);
    return true;
  } finally {
    closeSync(fd);
  }
}

/** `from` and each directory below it down to `to` (which lies inside `from`). */
function directoriesFrom(from: string, to: string): string[] {
  const dirs = [to];
  for (let dir = to; dir !== from && dirname(dir) !== dir; ) {
    dir = dirname(dir);
    dirs.push(dir);
  }
  return dirs.reverse();
}
