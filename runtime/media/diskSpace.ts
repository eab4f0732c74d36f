import { statfsSync } from 'node:fs';

/** Bytes free for an unprivileged writer on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}
