import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type FileOwner, secretFileOwner } from '../../../base/fileOwner';
import { giveBackSecretFile, writeSecretFile } from '../../../base/secretFile';
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
 * FileOwnerError naming the user to run it as (unless `forSelf`).
 */
export async function ensureAdminCredential(
  dataDir: string,
  options: EnsureCredentialOptions = {},
): Promise<EnsuredCredential> {
  const file = adminCredentialFile(dataDir);
  const owner = secretFileOwner(dataDir, { forSelf: options.forSelf === true, command: 'admin-password' });
  if (!options.reset && readAdminCredential(file) !== null) {
    return { file, password: null, repaired: owner ? giveBackSecretFile(file, owner) : false };
  }
  const password = generatePassword();
  await writeAdminCredential(file, password, owner);
  return { file, password, repaired: false };
}

/** Hashes `password` and replaces the stored credential atomically (see writeSecretFile). */
async function writeAdminCredential(file: string, password: string, owner: FileOwner | null): Promise<void> {
  const credential: AdminCredential = {
    version: 1,
    user: 'admin',
    password: await hashPassword(password),
    created_at: new Date().toISOString(),
  };
  writeSecretFile(file, `${JSON.stringify(credential, null, 2)}\n`, owner);
}
