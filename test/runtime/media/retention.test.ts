import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { Database } from 'better-sqlite3';
import { mediaIndex } from '../../../runtime/media/mediaIndex';
import { MediaRetention } from '../../../runtime/media/retention/mediaRetention';
import type { MediaRetentionConfig } from '../../../runtime/media/retention/retentionLimits';
import type { SweepResult } from '../../../runtime/media/retention/retentionTypes';
import { Metrics } from '../../../runtime/metrics/metrics';
import { datedMediaPath, kindDirs, type MediaKind } from '../../../runtime/store/mediaPaths';
import { type SnapshotFiles, snapshotFilesFor } from '../../../runtime/store/snapshotFiles';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore, insertEvent, insertIncident, insertOutbox } from '../events/queries/eventStoreFixture';

const DAY = 86_400_000;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const GRACE = 10 * 60_000;
/** Real time: the files' mtimes are real, and the orphan grace compares them with the sweep's `now`. */
const NOW = Date.now();

/** A migrated database, a data_dir with real files, and a MediaRetention over both. */
function world(
  options: { retention?: Partial<MediaRetentionConfig['retention']>; unknownDays?: number } = {},
) {
  const { db, writer } = freshStore();
  const dataDir = tempDir('vigil-retention-');
  const { logger, lines } = memoryLogger();
  const metrics = new Metrics();
  const config: MediaRetentionConfig = {
    retention: {
      schedule: '0 * * * *',
      min_free_mb: 0,
      events_days: 30,
      clips: { days: 0, max_gb: 0 },
      snapshots: { days: 0, max_gb: 0 },
      unknown_faces: { max_mb: 0 },
      ...options.retention,
    },
    faces: { unknown_retain_days: options.unknownDays ?? 30 },
    device: { timezone: 'UTC' },
  };
  let freeSpace = (_dir: string) => Number.MAX_SAFE_INTEGER;
  const retention = new MediaRetention({
    db,
    writer,
    dataDir,
    config,
    logger,
    metrics,
    freeSpace: (dir) => freeSpace(dir),
    batchSize: 2,
  });

  /** Writes `bytes` real bytes, dated `at` (mtime too, so it is no fresh file), and registers the row. */
  const file = (path: string, kind: MediaKind, bytes: number, at: number, owner: Owner = {}) => {
    writeBytes(dataDir, path, bytes, at);
    mediaIndex.upsert(db, {
      path,
      kind,
      camera: 'front',
      incident_id: owner.incident ?? null,
      event_id: owner.event ?? null,
      bytes,
      created_at: at,
    });
    return path;
  };

  return {
    db,
    writer,
    dataDir,
    lines,
    metrics,
    retention,
    sweep: (now = NOW) => retention.sweep(now, 'manual'),
    setFreeSpace: (fn: (dir: string) => number) => {
      freeSpace = fn;
    },
    clip: (name: string, bytes: number, at: number, owner: Owner = {}) =>
      file(datedMediaPath('clip', at, `${name}.mp4`, 'UTC'), 'clip', bytes, at, owner),
    /** A snapshot set: clean and annotated frames of `bytes` each, a thumbnail of a tenth. */
    snapshotSet: (object: string, bytes: number, at: number, owner: Owner = {}): SnapshotFiles => {
      const set = snapshotFilesFor('front', object, at, 'UTC');
      file(set.snapshot, 'snapshot', bytes, at, owner);
      file(set.annotated, 'snapshot', bytes, at, owner);
      file(set.thumbnail, 'thumbnail', bytes / 10, at, owner);
      return set;
    },
    face: (seenAt: number, cropBytes: number, eventId: string | null = null) =>
      Number(
        db
          .prepare(
            `INSERT INTO face_unknown (seen_at, camera, event_id, score, descriptor, crop) VALUES (?, 'front', ?, 0.3, ?, ?)`,
          )
          .run(seenAt, eventId, Buffer.alloc(4096), Buffer.alloc(cropBytes, 0xff)).lastInsertRowid,
      ),
  };
}

type Owner = { incident?: string; event?: string };
type World = ReturnType<typeof world>;

function writeBytes(dataDir: string, path: string, bytes: number, at: number): void {
  const full = join(dataDir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, Buffer.alloc(bytes, 0xab));
  utimesSync(full, at / 1000, at / 1000);
}

const exists = (w: World, path: string) => existsSync(join(w.dataDir, path));
const hasRow = (w: World, path: string) => mediaIndex.get(w.db, path) !== undefined;
const faceIds = (db: Database) =>
  (db.prepare('SELECT id FROM face_unknown ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);

function incident(db: Database, id: string) {
  return db.prepare('SELECT clip_path, clip_state, snapshot_path FROM incidents WHERE id = ?').get(id) as {
    clip_path: string | null;
    clip_state: string | null;
    snapshot_path: string | null;
  };
}

/** An ended incident pointing at its clip and snapshot set. */
function incidentWith(db: Database, id: string, at: number, clip: string | null, set: SnapshotFiles | null) {
  insertIncident(db, { id, startedAt: at, endedAt: at + 1000 });
  db.prepare("UPDATE incidents SET clip_state = 'ready', clip_path = ?, snapshot_path = ? WHERE id = ?").run(
    clip,
    set?.snapshot ?? null,
    id,
  );
}

/** Every file under the kind directories, relative to data_dir. */
function filesOnDisk(dataDir: string): string[] {
  const files: string[] = [];
  for (const [, dir] of kindDirs()) {
    if (!existsSync(join(dataDir, dir))) continue;
    for (const entry of readdirSync(join(dataDir, dir), { recursive: true, encoding: 'utf8' })) {
      if (statSync(join(dataDir, dir, entry)).isFile()) files.push(join(dir, entry));
    }
  }
  return files.sort();
}

/**
 * The promise of a sweep: no row names a missing file, no incident names a file without a row,
 * and every file in a day folder has a row (unless younger than the grace period).
 */
function assertConsistent(w: World): void {
  const rows = w.db.prepare('SELECT path FROM media').all() as Array<{ path: string }>;
  for (const { path } of rows) assert.ok(exists(w, path), `row without file: ${path}`);
  const pointers = w.db
    .prepare(
      'SELECT clip_path AS path FROM incidents WHERE clip_path IS NOT NULL UNION SELECT snapshot_path FROM incidents WHERE snapshot_path IS NOT NULL',
    )
    .all() as Array<{ path: string }>;
  for (const { path } of pointers)
    assert.ok(hasRow(w, path), `incident points at a file without a row: ${path}`);
  for (const path of filesOnDisk(w.dataDir)) {
    const young = NOW - statSync(join(w.dataDir, path)).mtimeMs < GRACE;
    const inDayFolder = /^[a-z]+\/\d{4}-\d{2}-\d{2}\//.test(path);
    if (inDayFolder && !young) assert.ok(hasRow(w, path), `file without row: ${path}`);
  }
}

async function deletedCounter(w: World): Promise<Record<string, number>> {
  const values = (await w.metrics.snapshot()).counters.vigil_media_deleted_total ?? [];
  return Object.fromEntries(values.map((v) => [`${v.labels.kind}.${v.labels.reason}`, v.value]));
}

function deletionLines(w: World, reason?: string) {
  return w.lines.filter(
    (line) =>
      (line.msg === 'retention deleted a media file' || line.msg === 'retention deleted an unknown face') &&
      (reason === undefined || line.reason === reason),
  );
}

function summaries(w: World) {
  return w.lines.filter((line) => line.msg === 'media retention sweep finished');
}

describe('size caps', () => {
  const w = world({
    retention: { clips: { days: 0, max_gb: 2500 / GIB }, snapshots: { days: 0, max_gb: 1500 / GIB } },
  });
  const clips = [5, 4, 3, 2, 1].map((daysAgo) => w.clip(`c${daysAgo}`, 1000, NOW - daysAgo * DAY));
  incidentWith(w.db, 'inc-old', NOW - 5 * DAY, clips[0] ?? null, null);
  // Sets of 300 + 300 + 30 bytes.
  const sets = [3, 2, 1].map((daysAgo) => w.snapshotSet(`obj${daysAgo}`, 300, NOW - daysAgo * DAY));
  incidentWith(w.db, 'inc-snap', NOW - 3 * DAY, null, sets[0] ?? null);
  let result: SweepResult;

  test('delete the oldest clips first and stop once under the cap', async () => {
    result = await w.sweep();
    assert.deepEqual(
      clips.map((path) => exists(w, path)),
      [false, false, false, true, true],
    );
    assert.equal(result.deleted.clip.size, 3);
    assert.equal(result.freed_bytes.clip, 3000);
    assert.deepEqual(
      deletionLines(w, 'size')
        .filter((line) => line.kind === 'clip')
        .map((line) => [line.path, line.bytes]),
      clips.slice(0, 3).map((path) => [path, 1000]),
      'one log line per file, oldest first',
    );
  });

  test('treat a snapshot set (clean, annotated, thumbnail) as one, counting all three against the cap', async () => {
    const [oldest, ...rest] = sets;
    assert.ok(oldest);
    for (const path of Object.values(oldest)) assert.equal(exists(w, path), false, path);
    for (const set of rest) for (const path of Object.values(set)) assert.ok(exists(w, path), path);
    assert.equal(result.deleted.snapshot.size, 2);
    assert.equal(result.deleted.thumbnail.size, 1);
    assert.equal(result.freed_bytes.snapshot + result.freed_bytes.thumbnail, 630);
  });

  test('clear the incident pointers at what they deleted', () => {
    assert.deepEqual(incident(w.db, 'inc-old'), {
      clip_path: null,
      clip_state: 'deleted',
      snapshot_path: null,
    });
    assert.equal(incident(w.db, 'inc-snap').snapshot_path, null);
  });

  test('count and log every deletion, and keep files and rows consistent', async () => {
    assertConsistent(w);
    const counted = await deletedCounter(w);
    assert.deepEqual(counted, { 'clip.size': 3, 'snapshot.size': 2, 'thumbnail.size': 1 });
    assert.equal(summaries(w).length, 1);
    assert.equal(summaries(w)[0]?.total_deleted, 6);
    const bytes = (await w.metrics.snapshot()).gauges.vigil_media_bytes ?? [];
    const byKind = Object.fromEntries(bytes.map((v) => [v.labels.kind, v.value]));
    assert.deepEqual(byKind, { clip: 2000, snapshot: 1200, thumbnail: 60, unknown_face: 0 });
  });

  test('a second sweep finds nothing more to do', async () => {
    const again = await w.sweep();
    assert.equal(again.total_deleted, 0);
    assert.deepEqual(again.held_over_limit, []);
  });
});

describe('age limits', () => {
  const w = world({ retention: { clips: { days: 7, max_gb: 0 }, snapshots: { days: 3, max_gb: 0 } } });
  const clips = [10, 8, 1].map((daysAgo) => w.clip(`c${daysAgo}`, 100, NOW - daysAgo * DAY));
  const sets = [5, 1].map((daysAgo) => w.snapshotSet(`o${daysAgo}`, 100, NOW - daysAgo * DAY));

  test('delete media older than its kind’s days, and only that', async () => {
    const result = await w.sweep();
    assert.deepEqual(
      clips.map((path) => exists(w, path)),
      [false, false, true],
    );
    assert.deepEqual(
      sets.map((set) => Object.values(set).map((path) => exists(w, path))),
      [
        [false, false, false],
        [true, true, true],
      ],
    );
    assert.deepEqual(
      [result.deleted.clip.age, result.deleted.snapshot.age, result.deleted.thumbnail.age],
      [2, 2, 1],
    );
    assertConsistent(w);
  });

  test('0 days means no age limit', async () => {
    const keepAll = world({ retention: { clips: { days: 0, max_gb: 0 } } });
    const ancient = keepAll.clip('ancient', 100, NOW - 3650 * DAY);
    assert.equal((await keepAll.sweep()).total_deleted, 0);
    assert.ok(exists(keepAll, ancient));
  });
});

describe('protected incidents', () => {
  const w = world({
    retention: { clips: { days: 2, max_gb: 50 / GIB }, snapshots: { days: 2, max_gb: 0 } },
  });
  const keptClip = w.clip('kept', 100, NOW - 10 * DAY);
  const keptSet = w.snapshotSet('kept', 100, NOW - 10 * DAY);
  incidentWith(w.db, 'important', NOW - 10 * DAY, keptClip, keptSet);
  w.db.prepare('UPDATE incidents SET protected = 1 WHERE id = ?').run('important');
  // Linked only by the media row's incident_id, not by a pointer.
  const olderSet = w.snapshotSet('older', 100, NOW - 11 * DAY, { incident: 'important' });
  const newer = w.clip('newer', 100, NOW - DAY);

  test('keep their clip and snapshot sets past age and size limits, and say why they are over', async () => {
    const result = await w.sweep();
    for (const path of [keptClip, ...Object.values(keptSet), ...Object.values(olderSet)])
      assert.ok(exists(w, path), path);
    // 200 bytes of clips, cap 50: the unprotected newer clip goes, the protected one stays over the cap.
    assert.equal(exists(w, newer), false);
    assert.deepEqual(result.held_over_limit, ['clip']);
    const warning = w.lines.find((line) => line.level === 40 && line.setting === 'retention.clips.max_gb');
    assert.ok(warning, 'a warning names the setting');
    assert.match(String(warning.msg), /protected or unsynced/);
    assert.deepEqual(incident(w.db, 'important'), {
      clip_path: keptClip,
      clip_state: 'ready',
      snapshot_path: keptSet.snapshot,
    });
    assertConsistent(w);
  });

  test('once unprotected, they go', async () => {
    w.db.prepare('UPDATE incidents SET protected = 0').run();
    const result = await w.sweep();
    assert.equal(exists(w, keptClip), false);
    assert.equal(result.deleted.clip.age, 1);
    assert.equal(result.deleted.snapshot.age, 4);
    assertConsistent(w);
  });
});

describe('unsynced incidents', () => {
  const w = world({
    retention: { clips: { days: 1, max_gb: 0 }, snapshots: { days: 1, max_gb: 0 } },
    unknownDays: 1,
  });
  const at = NOW - 5 * DAY;
  insertIncident(w.db, { id: 'waiting', startedAt: at, endedAt: at + 1000 });
  insertEvent(w.db, { id: 'evt-waiting', timestamp: at, incidentId: 'waiting' });
  insertOutbox(w.db, 'evt-waiting', null);
  // The clip is linked only through the incident's pointer, the set only through its event.
  const clip = w.clip('waiting', 100, at);
  w.db.prepare("UPDATE incidents SET clip_state = 'ready', clip_path = ? WHERE id = 'waiting'").run(clip);
  const set = w.snapshotSet('waiting', 100, at, { event: 'evt-waiting' });
  const face = w.face(at, 50, 'evt-waiting');
  const other = w.clip('synced', 100, at);

  test('keep what belongs to an incident the central server has not acknowledged', async () => {
    const result = await w.sweep();
    assert.ok(exists(w, clip));
    for (const path of Object.values(set)) assert.ok(exists(w, path), path);
    assert.deepEqual(faceIds(w.db), [face]);
    assert.equal(exists(w, other), false, 'media of no incident goes');
    assert.equal(result.total_deleted, 1);
    assertConsistent(w);
  });

  test('delete it once acknowledged', async () => {
    w.db.prepare('UPDATE outbox SET acked_at = ?').run(NOW);
    const result = await w.sweep();
    assert.equal(exists(w, clip), false);
    for (const path of Object.values(set)) assert.equal(exists(w, path), false, path);
    assert.deepEqual(faceIds(w.db), []);
    assert.deepEqual(
      [result.deleted.clip.age, result.deleted.snapshot.age, result.deleted.unknown_face.age],
      [1, 2, 1],
    );
    assert.deepEqual(incident(w.db, 'waiting'), {
      clip_path: null,
      clip_state: 'deleted',
      snapshot_path: null,
    });
    assertConsistent(w);
  });

  test('an event not routed yet holds its media too', async () => {
    insertEvent(w.db, { id: 'evt-pending', timestamp: at, state: 'persisted' });
    const pendingClip = w.clip('pending', 100, at, { event: 'evt-pending' });
    await w.sweep();
    assert.ok(exists(w, pendingClip));
  });
});

describe('unknown faces', () => {
  const w = world({ retention: { unknown_faces: { max_mb: 250 / MIB } }, unknownDays: 7 });
  insertIncident(w.db, { id: 'waiting', startedAt: NOW - 10 * DAY });
  insertEvent(w.db, { id: 'evt-waiting', timestamp: NOW - 10 * DAY, incidentId: 'waiting' });
  insertOutbox(w.db, 'evt-waiting', null);
  const unsynced = w.face(NOW - 10 * DAY, 100, 'evt-waiting');
  const old = w.face(NOW - 9 * DAY, 100);
  const twoDays = w.face(NOW - 2 * DAY, 100);
  const yesterday = w.face(NOW - DAY, 100);
  const today = w.face(NOW, 100);

  test('go by faces.unknown_retain_days and by crop size, oldest first, sparing unsynced incidents', async () => {
    const result = await w.sweep();
    // Age takes the 9-day-old one; then 400 bytes against a 250-byte cap: the next two oldest go.
    assert.deepEqual(faceIds(w.db), [unsynced, today]);
    assert.deepEqual([result.deleted.unknown_face.age, result.deleted.unknown_face.size], [1, 2]);
    assert.equal(result.freed_bytes.unknown_face, 300);
    const logged = deletionLines(w).map((line) => [line.id, line.reason]);
    assert.deepEqual(logged, [
      [old, 'age'],
      [twoDays, 'size'],
      [yesterday, 'size'],
    ]);
    assert.deepEqual(await deletedCounter(w), { 'unknown_face.age': 1, 'unknown_face.size': 2 });
  });

  test('faces.unknown_retain_days 0 keeps none (but still those of unsynced incidents)', async () => {
    const none = world({ unknownDays: 0 });
    insertEvent(none.db, { id: 'evt-pending', timestamp: NOW, state: 'enriched' });
    const held = none.face(NOW - 1000, 10, 'evt-pending');
    none.face(NOW - 1000, 10);
    await none.sweep();
    assert.deepEqual(faceIds(none.db), [held]);
  });
});

describe('reconcile', () => {
  const w = world();
  const at = NOW - 3 * DAY;
  const gone = w.clip('gone', 100, at, { incident: 'lost' });
  const goneSet = w.snapshotSet('gone', 100, at, { incident: 'lost' });
  incidentWith(w.db, 'lost', at, gone, goneSet);
  const kept = w.clip('kept', 100, at);
  // A crash between unlink and row delete, or someone deleting files by hand.
  for (const path of [gone, goneSet.snapshot]) unlinkSync(join(w.dataDir, path));
  const oldOrphan = datedMediaPath('clip', at, 'orphan.mp4', 'UTC');
  writeBytes(w.dataDir, oldOrphan, 500, at);
  const freshOrphan = datedMediaPath('snapshot', NOW, 'being-written.jpg', 'UTC');
  writeBytes(w.dataDir, freshOrphan, 50, NOW);
  const oldPart = join('clips', 'assembly.mp4.part');
  writeBytes(w.dataDir, oldPart, 70, NOW - GRACE - 60_000);
  const freshPart = `${datedMediaPath('clip', NOW, 'now.mp4', 'UTC')}.part`;
  writeBytes(w.dataDir, freshPart, 70, NOW);
  const notOurs = join('snapshots', 'latest', 'front.jpg');
  writeBytes(w.dataDir, notOurs, 10, at);
  const emptyOldDay = join(w.dataDir, 'thumbnails', '2020-01-01');
  mkdirSync(emptyOldDay, { recursive: true });
  const emptyToday = join(w.dataDir, dirname(datedMediaPath('clip', NOW, 'x', 'UTC')));
  mkdirSync(emptyToday, { recursive: true });
  let result: SweepResult;

  test('drop rows whose file is gone, and the incident pointers at them', async () => {
    result = await w.sweep();
    assert.equal(hasRow(w, gone), false);
    assert.equal(hasRow(w, goneSet.snapshot), false);
    assert.ok(hasRow(w, goneSet.annotated), 'the rest of the set is still there, and stays listed');
    assert.ok(hasRow(w, kept));
    assert.deepEqual(incident(w.db, 'lost'), { clip_path: null, clip_state: 'deleted', snapshot_path: null });
    assert.deepEqual([result.deleted.clip.missing, result.deleted.snapshot.missing], [1, 1]);
    assert.equal(result.freed_bytes.clip, 500 + 70, 'a missing file frees nothing; the orphans do');
  });

  test('delete orphan files and *.part leftovers older than the grace period, not fresh ones', () => {
    assert.equal(exists(w, oldOrphan), false);
    assert.equal(exists(w, oldPart), false);
    assert.ok(exists(w, freshOrphan));
    assert.ok(exists(w, freshPart));
    assert.equal(result.deleted.clip.orphan, 2);
    assert.ok(exists(w, notOurs), 'files outside day folders are not ours to judge');
  });

  test('remove empty day folders, except today’s and yesterday’s', () => {
    assert.equal(existsSync(emptyOldDay), false);
    assert.ok(existsSync(emptyToday));
    assertConsistent(w);
  });

  test('count and log the repairs', async () => {
    assert.deepEqual(await deletedCounter(w), { 'clip.missing': 1, 'snapshot.missing': 1, 'clip.orphan': 2 });
    assert.deepEqual(
      deletionLines(w, 'orphan')
        .map((line) => line.path)
        .sort(),
      [oldOrphan, oldPart].sort(),
    );
  });
});

describe('free-space floor', () => {
  const w = world({ retention: { min_free_mb: 1 } });
  const KB = 1024;
  // The disk holds 1 MiB + 20 KiB; the media files under data_dir use what is not free.
  const capacity = MIB + 20 * KB;
  w.setFreeSpace(
    (dir) => capacity - filesOnDisk(dir).reduce((sum, path) => sum + statSync(join(dir, path)).size, 0),
  );
  insertIncident(w.db, { id: 'important', startedAt: NOW - 20 * DAY });
  w.db.prepare('UPDATE incidents SET protected = 1').run();
  const held = w.clip('held', 10 * KB, NOW - 20 * DAY, { incident: 'important' });
  const clip5 = w.clip('c5', 10 * KB, NOW - 5 * DAY);
  const set4 = w.snapshotSet('s4', 5 * KB, NOW - 4 * DAY);
  const clip3 = w.clip('c3', 10 * KB, NOW - 3 * DAY);
  const clip1 = w.clip('c1', 10 * KB, NOW - DAY);

  test('below the floor, the oldest media go across kinds until it is back above', async () => {
    // 50.5 KiB used (four clips of 10 KiB, one 10.5 KiB snapshot set): 30.5 KiB short of the floor,
    // which the three oldest deletable units cover exactly.
    const result = await w.sweep();
    assert.ok(exists(w, held), 'protected');
    assert.deepEqual(
      [clip5, set4.snapshot, set4.thumbnail, clip3, clip1].map((path) => exists(w, path)),
      [false, false, false, false, true],
    );
    assert.equal(result.deleted.clip.low_space, 2);
    assert.ok((result.free_bytes ?? 0) >= MIB, `free ${result.free_bytes}`);
    assert.deepEqual(result.held_over_limit, []);
    assertConsistent(w);
  });

  test('with nothing left it may delete, it says so, naming data_dir', async () => {
    w.setFreeSpace(() => 0);
    const result = await w.sweep();
    assert.ok(exists(w, held));
    assert.equal(exists(w, clip1), false);
    assert.deepEqual(result.held_over_limit, ['low_space']);
    const warning = w.lines.find((line) => line.level === 40 && String(line.msg).includes('stays below'));
    assert.ok(warning);
    assert.ok(String(warning.msg).includes(w.dataDir));
  });
});

describe('sweeps', () => {
  test('never overlap: a call while one runs gets its result', async () => {
    const w = world({ retention: { clips: { days: 1, max_gb: 0 } } });
    for (let i = 0; i < 5; i++) w.clip(`c${i}`, 10, NOW - 2 * DAY - i);
    const first = w.retention.sweep(NOW, 'schedule');
    const second = w.retention.sweep(NOW, 'low_space');
    assert.equal(second, first);
    assert.equal((await first).total_deleted, 5);
    assert.equal(summaries(w).length, 1);
    const third = await w.retention.sweep(NOW, 'manual');
    assert.equal(third.trigger, 'manual');
  });

  test('stop between batches when retention closes, and are refused afterwards', async () => {
    const w = world({ retention: { clips: { days: 1, max_gb: 0 } } });
    const clips = [0, 1, 2, 3, 4].map((i) => w.clip(`c${i}`, 10, NOW - 2 * DAY - i));
    const sweeping = w.retention.sweep(NOW, 'schedule');
    await w.retention.close();
    const result = await sweeping;
    assert.equal(result.interrupted, true);
    assert.ok(result.total_deleted < clips.length, `${result.total_deleted} deleted`);
    assertConsistent(w);
    await assert.rejects(w.sweep(), /closed/);
  });
});
