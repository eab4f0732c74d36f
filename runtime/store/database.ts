import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type { Database } from 'better-sqlite3';

/** A database problem told in terms of the file and what to do about it. */
export class StoreError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Page size of a database created by Vigil (see openDatabase). */
const PAGE_SIZE = 1024;
/** WAL written between automatic checkpoints (see openDatabase). */
const WAL_CHECKPOINT_BYTES = 8 * 1024 * 1024;

/**
 * Opens (creating if needed) the SQLite database in WAL mode with `synchronous=FULL`, so a
 * committed transaction survives power loss. Errors name the file and the likely fix.
 */
export function openDatabase(file: string): Database.Database {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    throw new StoreError(
      file,
      `cannot create the directory for database ${file}: ${codeOf(err)} — check data_dir in the config and that the vigil user may write there`,
      { cause: err },
    );
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    // Every commit appends each page it touched to the WAL in full, and an event's commit touches
    // a dozen (its row, six indexes, audit, outbox): 1 KiB pages write a quarter of the bytes of
    // the default 4 KiB onto the card (bench:writes). Only a new file takes it: an existing one keeps its size.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`journal_mode is '${String(mode)}', WAL could not be enabled`);
    db.pragma('synchronous = FULL');
    // A checkpoint copies every page changed since the last one into the database file; the hot
    // pages (index ends, open incidents) change in nearly every commit, so checkpointing every
    // 8 MiB of WAL instead of SQLite's 1000 pages writes them far less often (bench:writes). The
    // WAL file is cut back to that size after a checkpoint that found it larger.
    db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_BYTES / PAGE_SIZE}`);
    db.pragma(`journal_size_limit = ${WAL_CHECKPOINT_BYTES}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 16 MiB of page cache (the default is 2): index pages of the event log stay in memory.
    db.pragma('cache_size = -16384');
    // Touch the schema so a damaged header or page 1 fails here, at open, not on the first event.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (err) {
    db?.close();
    throw describeOpenError(file, err);
  }
}

function describeOpenError(file: string, err: unknown): StoreError {
  const code = codeOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError(
      file,
      `database ${file} is damaged (${detail}) — stop vigil, move the file aside (mv ${file} ${file}.damaged) and start again to create a new one; keep the old file for recovery`,
      { cause: err },
    );
  }
  if (
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_READONLY' ||
    code === 'SQLITE_PERM' ||
    code === 'EACCES'
  ) {
    return new StoreError(
      file,
      `cannot open database ${file} for writing (${detail}) — check that data_dir exists, is writable by the vigil user, and that the disk is not full or mounted read-only`,
      { cause: err },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new StoreError(file, `disk full while opening database ${file} — free space on its file system`, {
      cause: err,
    });
  }
  return new StoreError(file, `cannot open database ${file}: ${detail}`, { cause: err });
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown error';
}
