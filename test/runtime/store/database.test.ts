import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, StoreError } from '../../../runtime/store/database';
import { MIGRATIONS } from '../../../runtime/store/migrations/index';
import { migrate } from '../../../runtime/store/migrator';
import { tempDir } from '../../helpers/tempDir';

describe('openDatabase', () => {
  test('creates the directory and opens in WAL mode with full sync', () => {
    const file = join(tempDir(), 'nested', 'dir', 'vigil.db');
    const db = openDatabase(file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
    db.close();
  });

  test('a new database gets 1 KiB pages and checkpoints every 8 MiB of WAL (card wear: bench:writes)', () => {
    const file = join(tempDir(), 'vigil.db');
    const db = openDatabase(file);
    migrate(db, file, MIGRATIONS);
    assert.equal(db.pragma('page_size', { simple: true }), 1024);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 8192);
    assert.equal(db.pragma('journal_size_limit', { simple: true }), 8 * 1024 * 1024);
    db.close();
    // Reopened, it keeps them (the page size is in the file's header).
    const again = openDatabase(file);
    assert.equal(again.pragma('page_size', { simple: true }), 1024);
    again.close();
  });

  test('an existing database keeps its page size and its data', () => {
    const file = join(tempDir(), 'vigil.db');
    const old = new Database(file);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')");
    old.close();
    const db = openDatabase(file);
    assert.equal(db.pragma('page_size', { simple: true }), 4096);
    assert.equal(db.prepare('SELECT v FROM t').pluck().get(), 'kept');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });

  test('a corrupted file is reported with its name and what to do', () => {
    const file = join(tempDir(), 'vigil.db');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    assert.throws(
      () => openDatabase(file),
      (err: unknown) =>
        err instanceof StoreError &&
        err.file === file &&
        err.message.includes(`database ${file} is damaged`) &&
        /move the file aside/.test(err.message),
    );
  });

  test('an unwritable location is reported with its name', () => {
    // A regular file where a directory should be: fails even for root, unlike chmod.
    const blocker = join(tempDir(), 'not-a-dir');
    writeFileSync(blocker, '');
    const file = join(blocker, 'vigil.db');
    assert.throws(
      () => openDatabase(file),
      (err: unknown) =>
        err instanceof StoreError && err.message.includes(file) && /check data_dir/.test(err.message),
    );
  });
});

describe('migrate', () => {
  test('applies every migration once and records them', () => {
    const file = join(tempDir(), 'vigil.db');
    const db = openDatabase(file);
    const first = migrate(db, file, MIGRATIONS);
    assert.equal(first.from, 0);
    assert.equal(first.to, MIGRATIONS.length);
    assert.equal(first.applied.length, MIGRATIONS.length);
    const second = migrate(db, file, MIGRATIONS);
    assert.deepEqual(second.applied, []);
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{
      version: number;
    }>;
    assert.deepEqual(
      rows.map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  test('a failing migration leaves the previous version intact', () => {
    const file = join(tempDir(), 'vigil.db');
    const db = openDatabase(file);
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE x (a); SELEC nonsense;' },
    ];
    assert.throws(() => migrate(db, file, broken), /migration \d+ \(broken\) failed/);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    const x = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'x'").get() as { n: number };
    assert.equal(x.n, 0, 'half-applied migration left a table behind');
    db.close();
  });

  test('refuses a database from a newer build', () => {
    const file = join(tempDir(), 'vigil.db');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    assert.throws(() => migrate(db, file, MIGRATIONS), /schema version 99, newer than this build knows/);
    db.close();
  });
});
