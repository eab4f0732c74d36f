import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { secretFileOwner } from '../../../base/fileOwner';
import { readSecretFile, writeSecretFile } from '../../../base/secretFile';

/** A device key: 32 random bytes, written as base64url (43 characters). */
const KEY_BYTES = 32;
const KEY_TEXT = /^[A-Za-z0-9_-]{43}$/;

/**
 * `<data_dir>/auth/device.key`: the key this appliance signs its sync batches with, and the
 * central server signs its acks to it with. Beside the admin credential, so a backup of the data
 * directory keeps it; the central server learns it by enrolment (`vigil central enroll`).
 */
function deviceKeyFile(dataDir: string): string {
  return join(resolve(dataDir), 'auth', 'device.key');
}

/** Parses a key as written by {@link ensureDeviceKey}; throws saying what a key looks like. */
export function parseDeviceKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (!KEY_TEXT.test(trimmed)) {
    throw new Error(
      `${where}: not a device key (43 characters of A-Z a-z 0-9 _ -, as 'vigil device-key' prints)`,
    );
  }
  return Buffer.from(trimmed, 'base64url');
}

/**
 * The stored device key of the appliance with `dataDir`, made (random, 0600) the first time: by
 * the daemon for itself, or by `vigil device-key` for the data directory's owner.
 */
export function ensureDeviceKey(
  dataDir: string,
  forSelf: boolean,
): { key: Buffer; file: string; created: boolean } {
  const file = deviceKeyFile(dataDir);
  const stored = readSecretFile(file);
  if (stored !== null) return { key: parseDeviceKey(stored, file), file, created: false };
  const key = randomBytes(KEY_BYTES);
  writeSecretFile(
    file,
    `${key.toString('base64url')}\n`,
    secretFileOwner(dataDir, { forSelf, command: 'device-key' }),
  );
  return { key, file, created: true };
}
