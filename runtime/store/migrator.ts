import type { Database } from 'better-sqlite3';
import { StoreError } from './database';
import type { Migration } from './migrations/index';

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the schema to the newest version, one transaction per migration, tracking the version in
 * `PRAGMA user_version` (atomic with the change) and the history in `schema_migrations`.
 */
export function migrate(db: Database, file: string, migrations: readonly Migration[]): MigrationResult {
  assertConsecutive(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new StoreError(
      file,
      `database ${file} has schema version ${from}, newer than this build knows (${latest}) — it was written by a newer Vigil; install that version again or restore a backup`,
    );
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new StoreError(
        file,
        `migration ${migration.version} (${migration.name}) failed on ${file}: ${err instanceof Error ? err.message : String(err)} — the database was left at version ${migration.version - 1}`,
        { cause: err },
      );
    }
    applied.push(`${migration.version}_${migration.name}`);
  }
  return { from, to: Math.max(from, latest), applied };
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration '${migration.name}' has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}
