import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOGS, NOT_DISK, parseStrace } from '../../bench/writeShares';

// What `strace -f -y -s 0 -o FILE -p PID` writes: the pid first, split calls unfinished/resumed.
const TRACE = [
  '100 pwrite64(12</d/vigil.db-wal>, ""..., 1048, 8192) = 1048',
  '101 pwrite64(12</d/vigil.db-wal>, ""..., 24, 9240 <unfinished ...>',
  '100 write(1<pipe:[77]>, ""..., 300) = 300',
  '101 <... pwrite64 resumed>) = 24',
  '101 fsync(12</d/vigil.db-wal>) = 0',
  '100 pwrite64(13</d/vigil.db>, ""..., 1024, 4096) = 1024',
  '102 write(40</d/snapshots/2026-12-08/front-1.jpg.part>, ""..., 5000) = 5000',
  '102 fdatasync(40</d/snapshots/2026-12-08/front-1.jpg.part>) = 0',
  '102 write(41</d/thumbnails/2026-12-08/front-1.jpg.part>, ""..., 900) = 900',
  '100 write(20<socket:[88]>, ""..., 120) = 120',
  '100 write(5<anon_inode:[eventfd]>, ""..., 8) = 8',
  '100 write(30</d/auth/admin.json.part>, ""..., 200) = -1 ENOSPC (No space left on device)',
  '200 execve("/usr/bin/ffmpeg", ["ffmpeg"], 0x0 /* 3 vars */) = 0',
  '200 write(3</d/clips/2026-12-08/front-x.mp4>, ""..., 65536) = 65536',
  '',
].join('\n');

test('strace output is summed by writer class, split calls and children included', () => {
  const { vigil, children } = parseStrace(TRACE);
  assert.deepEqual(vigil.get('SQLite WAL'), { bytes: 1072, calls: 2, fsyncs: 1 });
  assert.deepEqual(vigil.get('SQLite checkpoints (database file)'), { bytes: 1024, calls: 1, fsyncs: 0 });
  assert.deepEqual(vigil.get('snapshots'), { bytes: 5000, calls: 1, fsyncs: 1 });
  assert.deepEqual(vigil.get('thumbnails'), { bytes: 900, calls: 1, fsyncs: 0 });
  assert.deepEqual(vigil.get(LOGS), { bytes: 300, calls: 1, fsyncs: 0 });
  assert.deepEqual(vigil.get(NOT_DISK), { bytes: 128, calls: 2, fsyncs: 0 });
  // A failed write counts as a call, not as bytes.
  assert.deepEqual(vigil.get('other files'), { bytes: 0, calls: 1, fsyncs: 0 });
  // A process that exec'd is a child (ffmpeg joining a clip), summed apart.
  assert.equal(vigil.get('clips'), undefined);
  assert.deepEqual(children.get('clips'), { bytes: 65536, calls: 1, fsyncs: 0 });
});
