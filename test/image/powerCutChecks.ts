/**
 * The offline checks of the power-cut test (powerCut.ts): what the next boot will find on the
 * ext4 partition after a cut, read with e2fsprogs and opened on this machine.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { debugfs, type Partition } from './qemuKit';

/** Where Vigil's files are inside the data partition (the root file system on this image). */
const DATA_DIR = '/var/lib/vigil';

/**
 * A copy of the partition as a file of its own (sparse): e2fsck re-opens what it replayed by
 * name, which loses debugfs' `?offset=`. The disk itself stays as the cut left it; its next boot
 * replays the journal in the kernel, as e2fsck does on the copy.
 */
function partitionCopy(
  disk: string,
  part: Partition,
  dir: string,
  label: string,
): Partition & { file: string } {
  const file = join(dir, `part-${label}.img`);
  execFileSync('dd', [
    `if=${disk}`,
    `of=${file}`,
    'bs=4M',
    `skip=${part.start}`,
    `count=${part.size}`,
    'iflag=skip_bytes,count_bytes',
    'conv=sparse',
    'status=none',
  ]);
  return { ...part, start: 0, file };
}

/** What e2fsck makes of the partition copy: the journal replayed (as a mount would), then checked without changes. */
function fsck(file: string, dir: string, label: string): string {
  const replay = spawnSync('e2fsck', ['-y', '-E', 'journal_only', file], { encoding: 'utf8' });
  const check = spawnSync('e2fsck', ['-fn', file], { encoding: 'utf8' });
  writeFileSync(
    join(dir, `fsck-${label}.txt`),
    `${replay.stdout}${replay.stderr}\n---\n${check.stdout}${check.stderr}`,
  );
  assert.ok(
    (replay.status ?? 8) < 4,
    `e2fsck could not replay the journal (exit ${replay.status}): ${replay.stderr}`,
  );
  return check.status === 0 ? 'clean' : `exit ${check.status}`;
}

/** Every `*.part` under data_dir on the partition (debugfs `ls -p`, one level per call). */
function partFiles(disk: string, part: Partition): string[] {
  const found: string[] = [];
  let level = [DATA_DIR];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const out = debugfs(
      disk,
      part,
      level.map((dir) => `ls -p ${dir}`),
    );
    const next: string[] = [];
    let current = '';
    for (const line of out.split('\n')) {
      const asked = /^debugfs:\s+ls -p (.+)$/.exec(line);
      if (asked?.[1]) {
        current = asked[1];
        continue;
      }
      // /inode/mode/uid/gid/name/size/
      const entry = /^\/\d+\/(\d+)\/\d+\/\d+\/(.*)\/(\d*)\/$/.exec(line);
      if (!entry?.[1] || entry[2] === undefined || entry[2] === '.' || entry[2] === '..') continue;
      const path = `${current}/${entry[2]}`;
      if (entry[1].startsWith('04')) next.push(path);
      else if (entry[2].endsWith('.part')) found.push(path);
    }
    level = next;
  }
  return found;
}

/** Copies files out of the partition (debugfs `dump`); a missing one is simply not there afterwards. */
function dumpFiles(disk: string, part: Partition, files: Array<{ from: string; to: string }>): void {
  if (files.length === 0) return;
  try {
    debugfs(
      disk,
      part,
      files.map(({ from, to }) => `dump ${from} ${to}`),
    );
  } catch (err) {
    throw new Error(
      `debugfs could not copy ${files.map((f) => f.from).join(', ')}: ${(err as Error).message}`,
    );
  }
}

/**
 * Every frame of the clip decodes without an error (ffprobe decodes them all to count them). Not
 * `ffmpeg -f null`: its muxer also complains about repeated timestamps, which the clips of a
 * raw-frame (sim) camera have from before any cut, and which players take in their stride.
 */
export function plays(file: string): boolean {
  const run = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8' },
  );
  return run.status === 0 && run.stderr.trim() === '' && Number(run.stdout.trim()) > 0;
}

/** The offline checks after a cut: what the next boot will see. */
export function checkAfterCut(
  cutDisk: string,
  cutPart: Partition,
  dir: string,
  label: string,
  acked: readonly string[],
  installedConfig: string,
): { found: number; integrity: string; parts: string[]; clips: string; fsck: string } {
  const { file: disk, ...part } = partitionCopy(cutDisk, cutPart, dir, label);
  const fsckResult = fsck(disk, dir, label);
  const copy = join(dir, `db-${label}`);
  mkdirSync(copy, { recursive: true });
  dumpFiles(disk, part, [
    { from: `${DATA_DIR}/vigil.db`, to: join(copy, 'vigil.db') },
    { from: `${DATA_DIR}/vigil.db-wal`, to: join(copy, 'vigil.db-wal') },
    { from: `${DATA_DIR}/auth/admin.json`, to: join(copy, 'admin.json') },
    { from: '/etc/vigil/config.yaml', to: join(copy, 'config.yaml') },
    { from: '/etc/vigil/tls/cert.pem', to: join(copy, 'cert.pem') },
  ]);
  assert.ok(existsSync(join(copy, 'vigil.db')), 'the database is there');
  const db = new Database(join(copy, 'vigil.db'));
  let found = 0;
  let integrity: string;
  let clips: Array<{ id: string; clip_path: string }>;
  try {
    integrity = db.pragma('integrity_check', { simple: true }) as string;
    const has = db.prepare('SELECT 1 FROM events WHERE id = ?').pluck();
    const missing = acked.filter((id) => has.get(id) === undefined);
    found = acked.length - missing.length;
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} acknowledged ids missing after ${label}`);
    clips = db
      .prepare(
        "SELECT id, clip_path FROM incidents WHERE clip_state = 'ready' AND clip_path IS NOT NULL ORDER BY started_at DESC LIMIT 30",
      )
      .all() as Array<{ id: string; clip_path: string }>;
  } finally {
    db.close();
  }
  assert.equal(integrity, 'ok', `PRAGMA integrity_check after ${label}`);

  const clipDir = join(copy, 'clips');
  mkdirSync(clipDir, { recursive: true });
  dumpFiles(
    disk,
    part,
    clips.map((clip, i) => ({ from: `${DATA_DIR}/${clip.clip_path}`, to: join(clipDir, `${i}.mp4`) })),
  );
  const bad = clips.filter(
    (_clip, i) => !existsSync(join(clipDir, `${i}.mp4`)) || !plays(join(clipDir, `${i}.mp4`)),
  );
  assert.deepEqual(bad, [], `clips of ended incidents that do not play after ${label}`);

  const credential = JSON.parse(readFileSync(join(copy, 'admin.json'), 'utf8')) as {
    version?: number;
    password?: { kdf?: string; hash?: string };
  };
  assert.ok(
    credential.version === 1 && credential.password?.kdf === 'scrypt' && credential.password.hash,
    'the admin credential parses',
  );
  assert.equal(
    readFileSync(join(copy, 'config.yaml'), 'utf8'),
    installedConfig,
    'the config is the one installed',
  );
  execFileSync('openssl', ['x509', '-noout', '-in', join(copy, 'cert.pem')], { stdio: 'pipe' });
  return {
    found,
    integrity,
    parts: partFiles(disk, part),
    clips: `${clips.length - bad.length}/${clips.length}`,
    fsck: fsckResult,
  };
}
