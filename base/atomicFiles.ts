import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The suffix of a file being written; a sweep may delete any `*.part` it finds (a crash left it). */
const PART_SUFFIX = '.part';

/**
 * Writes files so that each final name only ever holds a complete file: every file goes to
 * `<name>.part`, is flushed to disk, and only when all of them are written are they renamed into
 * place (a failure before that leaves the previous versions untouched). The directories are synced
 * last so the renames survive a power cut too (the caller then records the files in the database).
 */
export async function writeFilesAtomically(
  files: ReadonlyArray<{ path: string; data: Buffer }>,
): Promise<void> {
  const dirs = [...new Set(files.map((file) => dirname(file.path)))];
  await Promise.all(dirs.map((dir) => mkdir(dir, { recursive: true })));
  try {
    await Promise.all(files.map((file) => writeDurably(file.path + PART_SUFFIX, file.data)));
    for (const file of files) await rename(file.path + PART_SUFFIX, file.path);
  } catch (err) {
    await Promise.all(files.map((file) => rm(file.path + PART_SUFFIX, { force: true }).catch(() => {})));
    throw err;
  }
  await Promise.all(dirs.map(syncDirectory));
}

async function writeDurably(path: string, data: Buffer): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
