import type { Database } from 'better-sqlite3';
import { openDatabase } from '../store/database';
import { GroupCommitWriter } from '../store/groupCommitWriter';
import { MIGRATIONS } from '../store/migrations/index';
import { migrate } from '../store/migrator';

/** An opened, migrated database with its own writer, for tools that run beside (or without) the appliance. */
export interface StandaloneDatabase {
  db: Database;
  writer: GroupCommitWriter;
  close(): void;
}

/**
 * Opens the appliance's database outside the appliance (the `vigil faces` commands): WAL lets it
 * do so while `vigil run` has it open, and the running gallery notices the change within a second.
 */
export function openStandaloneDatabase(file: string): StandaloneDatabase {
  const db = openDatabase(file);
  try {
    migrate(db, file, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  const writer = new GroupCommitWriter(db, { maxBatch: 64, maxDelayMs: 0 });
  return {
    db,
    writer,
    close: () => {
      writer.close();
      db.close();
    },
  };
}
