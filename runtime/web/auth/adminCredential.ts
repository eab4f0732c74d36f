import { createHash } from 'node:crypto';
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
import { dirname, join, resolve } from 'node:path';
import { dataDirOwner, type FileOwner, userName } from './credentialOwner';
import { generatePassword, hashPassword, type PasswordHash } from './passwordHash';

/** The one login of the appliance: `admin`, with a hashed password. */
export interface AdminCredential {
  version: 1;
  user: 'admin';
  password: PasswordHash;
  /** ISO 8601 */
  created_at: string;
}

/** `<data_dir>/auth/admin.json`: beside the database, so a backup of the data directory keeps the login. */
export function adminCredentialFile(dataDir: string): string {
  return join(resolve(dataDir), 'auth', 'admin.json');
}

/** The stored credential, or null when none was created yet. A damaged file is an error saying what to do. */
export function readAdminCredential(file: string): AdminCredential | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the admin credential ${file}: ${(err as Error).message}`, { cause: err });
  }
  const credential = parseCredential(text);
  if (!credential) {
    throw new Error(
      `the admin credential ${file} is damaged — run 'vigil admin-password --reset' to set a new password`,
    );
  }
  return credential;
}

function parseCredential(text: string): AdminCredential | null {
  try {
    const value = JSON.parse(text) as Partial<AdminCredential>;
    const p = value.password;
    const valid =
      value.version === 1 &&
      p?.kdf === 'scrypt' &&
      [p.N, p.r, p.p].every((n) => Number.isInteger(n) && n > 0) &&
      typeof p.salt === 'string' &&
      typeof p.hash === 'string';
    return valid ? (value as AdminCredential) : null;
  } catch {
    return null;
  }
}

/** Why the credential cannot be written so that the daemon can read it; says who should run the command. */
class CredentialOwnerError extends Error {
  override name = 'CredentialOwnerError';
}

/** A short, stable name of a credential: sessions opened under it carry it (sha256 of its salt and hash). */
export function credentialFingerprint(credential: AdminCredential): string {
  const { salt, hash } = credential.password;
  return createHash('sha256').update(`${salt}:${hash}`).digest('hex').slice(0, 32);
}

interface EnsureCredentialOptions {
  /** Replace the password even if one is set (`vigil admin-password --reset`). */
  reset?: boolean;
  /**
   * The daemon writes the credential for itself: it may own it even when the data directory is
   * someone else's. The command line writes it for the daemon, i.e. for the data directory's owner.
   */
  forSelf?: boolean;
}

/** What {@link ensureAdminCredential} did. */
interface EnsuredCredential {
  file: string;
  /** The new password — the only time it exists in clear — or null when one was already set. */
  password: string | null;
  /** An existing credential (or its directory) belonged to the wrong user and was given back (as root). */
  repaired: boolean;
}

/**
 * Creates the credential with a generated password when there is none (or always, with `reset`),
 * owned by the data directory's owner with mode 0600 in a 0700 `auth/` directory, so the daemon
 * (systemd runs it as that user) can read it whoever ran the command. Run as root, it chowns, and
 * gives an existing credential back to that owner; run as another user, it refuses with a
 * {@link CredentialOwnerError} naming the user to run it as (unless `forSelf`).
 */
export async function ensureAdminCredential(
  dataDir: string,
  options: EnsureCredentialOptions = {},
): Promise<EnsuredCredential> {
  const file = adminCredentialFile(dataDir);
  const owner = targetOwner(dataDir, options.forSelf === true);
  if (!options.reset && readAdminCredential(file) !== null) {
    return { file, password: null, repaired: owner ? giveBack(file, owner) : false };
  }
  const password = generatePassword();
  await writeAdminCredential(file, password, owner);
  return { file, password, repaired: false };
}

/**
 * Whom to chown the files to: null to leave them to this process (it is the data directory's
 * owner, or the daemon writing for itself). Throws when this process cannot make them the owner's.
 */
function targetOwner(dataDir: string, forSelf: boolean): FileOwner | null {
  const self = process.getuid?.();
  if (self === undefined) return null;
  const owner = dataDirOwner(dataDir);
  if (self === 0) return owner;
  if (owner.uid === self || forSelf) return null;
  const name = userName(owner.uid);
  const runAs = owner.uid === 0 ? 'root' : `${name} (sudo -u ${name} vigil admin-password …) or as root`;
  throw new CredentialOwnerError(
    `${owner.from} belongs to ${name}, and vigil running as ${name} could not read a password file written by ${userName(self)} — run this as ${runAs}`,
  );
}

/** Hashes `password` and replaces the stored credential atomically (written, fsync'd, renamed; mode 0600). */
async function writeAdminCredential(file: string, password: string, owner: FileOwner | null): Promise<void> {
  const credential: AdminCredential = {
    version: 1,
    user: 'admin',
    password: await hashPassword(password),
    created_at: new Date().toISOString(),
  };
  const dir = dirname(file);
  const firstCreated = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (owner) {
    // auth/, and every directory made here (data_dir itself, when it was missing), become the owner's.
    for (const path of firstCreated ? directoriesFrom(firstCreated, dir) : [dir])
      chownOpened(path, owner, true);
  }
  const temporary = `${file}.tmp`;
  // Created afresh, never through a link: as root, in a directory another user can write to, a
  // planted `admin.json.tmp` symlink must not make root truncate and hand over some other file.
  rmSync(temporary, { force: true });
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    fchmodSync(fd, 0o600);
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    writeSync(fd, `${JSON.stringify(credential, null, 2)}\n`);
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

/** Chowns the credential and its directory to `owner` where they are someone else's; true if it did. */
function giveBack(file: string, owner: FileOwner): boolean {
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
