import type { Database, Statement } from 'better-sqlite3';

interface BacklogStatements {
  any: Statement;
  index: Statement;
  clear: Statement;
}

const statements = new WeakMap<Database, BacklogStatements>();

function statementsOf(db: Database): BacklogStatements {
  let s = statements.get(db);
  if (s === undefined) {
    s = {
      any: db.prepare('SELECT EXISTS (SELECT 1 FROM events_fts_backlog)').pluck(),
      index: db.prepare(`INSERT INTO events_fts (rowid, description)
        SELECT e.rowid, e.description FROM events_fts_backlog b JOIN events e ON e.rowid = b.event_rowid
        WHERE e.description IS NOT NULL`),
      clear: db.prepare('DELETE FROM events_fts_backlog'),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * Indexes the descriptions queued in `events_fts_backlog` (migration 13) in one statement and
 * empties the queue; returns how many were indexed. Runs inside the caller's transaction (the
 * event log writer's group commit); it may run twice there, which indexes nothing twice.
 */
export function indexFtsBacklog(db: Database): number {
  const s = statementsOf(db);
  const indexed = s.index.run().changes;
  s.clear.run();
  return indexed;
}

/**
 * Before a search on `db`: indexes what is queued, in a transaction of its own, so a search finds
 * every description stored so far. A read, and no write, when nothing is queued.
 */
export function indexFtsBacklogBeforeSearch(db: Database): void {
  const s = statementsOf(db);
  if (s.any.get() !== 1) return;
  // IMMEDIATE: the write lock first (waiting for the writer thread's commit), never a read
  // transaction that could not be upgraded.
  db.transaction(() => indexFtsBacklog(db)).immediate();
}
