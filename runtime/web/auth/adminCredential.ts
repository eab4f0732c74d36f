import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** Hashes `password` and replaces the stored credential atomically (written, fsync'd, renamed; mode 0600). */
async function writeAdminCredential(file: string, password: string, now = new Date()): Promise<void> {
  const credential: AdminCredential = {
    version: 1,
    user: 'admin',
    password: await hashPassword(password),
    created_at: now.toISOString(),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(credential, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Creates the credential with a generated password when there is none (or always, with `reset`).
 * Returns the new password — the only time it exists in clear — or null when one was already set.
 */
export async function ensureAdminCredential(file: string, reset = false): Promise<string | null> {
  if (!reset && readAdminCredential(file) !== null) return null;
  const password = generatePassword();
  await writeAdminCredential(file, password);
  return password;
}
