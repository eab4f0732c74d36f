import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Whose a file in the data directory must be: the data directory's owner and group. */
export interface FileOwner {
  uid: number;
  gid: number;
  /** The directory the owner was read from: data_dir, or its nearest existing parent. */
  from: string;
}

/**
 * The owner of `dataDir`, or of its nearest existing parent when it does not exist yet. The
 * daemon runs as the user that owns its data directory (systemd's `StateDirectory=`), so that user
 * must own its secret files too, whoever writes them.
 */
function dataDirOwner(dataDir: string): FileOwner {
  let dir = resolve(dataDir);
  for (;;) {
    try {
      const stats = statSync(dir);
      return { uid: stats.uid, gid: stats.gid, from: dir };
    } catch (err) {
      const parent = dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw err;
      dir = parent;
    }
  }
}

/** The login name of `uid` from /etc/passwd, or `uid <n>` when it has none. */
function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch (err) {
    // No /etc/passwd to read (a minimal container): the number is all there is to show.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return `uid ${uid}`;
}

/** Why a secret file cannot be written so that the daemon can read it; says who should run the command. */
class FileOwnerError extends Error {
  override name = 'FileOwnerError';
}

/** Who writes a secret file into the data directory. */
export interface SecretWriter {
  /** The daemon writing for itself: it may own the file even when the data directory is someone else's. */
  forSelf: boolean;
  /** The command a person runs to write it (`admin-password`), named when it must run as someone else. */
  command: string;
}

/**
 * Whom to give a secret file in `dataDir` to: null to leave it to this process (it is the data
 * directory's owner, or the daemon writing for itself); the data directory's owner when this
 * process is root (a command typed on the console). Any other user could only write a file the
 * daemon cannot read: a FileOwnerError names the user to run the command as.
 */
export function secretFileOwner(dataDir: string, writer: SecretWriter): FileOwner | null {
  const self = process.getuid?.();
  if (self === undefined) return null;
  const owner = dataDirOwner(dataDir);
  if (self === 0) return owner;
  if (owner.uid === self || writer.forSelf) return null;
  const name = userName(owner.uid);
  const runAs = owner.uid === 0 ? 'root' : `${name} (sudo -u ${name} vigil ${writer.command} …) or as root`;
  throw new FileOwnerError(
    `${owner.from} belongs to ${name}, and vigil running as ${name} could not read a file written by ${userName(self)} — run this as ${runAs}`,
  );
}
