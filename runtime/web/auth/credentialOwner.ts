import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Whose the admin credential must be: the data directory's owner and group. */
export interface FileOwner {
  uid: number;
  gid: number;
  /** The directory the owner was read from: data_dir, or its nearest existing parent. */
  from: string;
}

/**
 * The owner of `dataDir`, or of its nearest existing parent when it does not exist yet. The
 * daemon runs as the user that owns its data directory (systemd's `StateDirectory=`), so that user
 * must own the credential too, whoever writes it.
 */
export function dataDirOwner(dataDir: string): FileOwner {
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
export function userName(uid: number): string {
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
