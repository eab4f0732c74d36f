import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { probeMedia } from '../../../hal/camera/recording/index';
import { descendantProcesses } from '../../hal/camera/fixtures/childProcesses';
import { clipKit } from './clipKit';

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** Decodes the whole file; ffmpeg's error output (empty for a sound file) and exit status. */
function decode(file: string): { status: number | null; errors: string } {
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  return { status: run.status, errors: run.stderr.trim() };
}

/** ffmpeg processes of this test writing into `ringDir`. */
function recorderPids(ringDir: string): number[] {
  return descendantProcesses()
    .filter((p) => p.command === 'ffmpeg')
    .filter((p) => readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(ringDir))
    .map((p) => p.pid);
}

describe('incident clips (real ffmpeg, stream copy)', () => {
  it('cuts pre/post-capture MP4s for two overlapping incidents, without re-encoding', async () => {
    const kit = clipKit({ pre: 10, post: 15 });
    await kit.clips.start();
    const t0 = Date.now();
    await sleepUntil(t0 + 20_000);
    kit.incident('a', t0 + 20_000);
    await sleepUntil(t0 + 22_000);
    kit.incident('b', t0 + 22_000);
    await sleepUntil(t0 + 25_000);
    kit.end('a', t0 + 25_000);
    await sleepUntil(t0 + 30_000);
    kit.end('b', t0 + 30_000);

    const a = await kit.settled('a');
    const b = await kit.settled('b');
    assert.equal(a.clip_state, 'ready');
    assert.equal(b.clip_state, 'ready');
    assert.match(a.clip_path ?? '', /^clips\/\d{4}-\d{2}-\d{2}\/front-a\.mp4$/);
    assert.notEqual(a.clip_path, b.clip_path);
    assert.deepEqual(JSON.parse(a.clip_gaps), []);

    const source = await probeMedia(kit.video);
    for (const [row, seconds] of [
      [a, 30],
      [b, 33],
    ] as const) {
      const file = join(kit.dataDir, row.clip_path ?? '');
      const clip = await probeMedia(file);
      assert.ok(
        Math.abs(clip.durationMs / 1000 - seconds) <= 2.5,
        `${row.clip_path}: ${clip.durationMs / 1000} s, expected ${seconds} s ± one 2 s segment`,
      );
      assert.ok(clip.firstFrameKey, 'starts on a keyframe');
      assert.deepEqual(clip.video, source.video, 'same codec parameters as the camera: no re-encode');
      assert.deepEqual(decode(file), { status: 0, errors: '' }, 'plays from start to end');
    }
    const media = kit.db
      .prepare("SELECT incident_id, bytes FROM media WHERE kind = 'clip' ORDER BY incident_id")
      .all();
    assert.equal(media.length, 2);
    const stats = kit.recorderStats();
    assert.ok(stats.running);
    assert.ok(
      stats.cpuSeconds < 3,
      `stream copy used ${stats.cpuSeconds.toFixed(2)} CPU s for ~50 s of recording (expected a small fraction)`,
    );
    await kit.clips.stop();
    assert.deepEqual(recorderPids(kit.ringDir), [], 'no ffmpeg left after stop');
  });

  it('restarts a recorder that dies mid-incident and records the gap in the incident', async () => {
    const kit = clipKit({ pre: 2, post: 2 });
    await kit.clips.start();
    const t0 = Date.now();
    await sleepUntil(t0 + 4_000);
    kit.incident('c', t0 + 4_000);
    await sleepUntil(t0 + 6_000);
    const pids = recorderPids(kit.ringDir);
    assert.equal(pids.length, 1, 'one ffmpeg records the camera');
    execFileSync('kill', ['-9', String(pids[0])]);
    await sleepUntil(t0 + 12_000);
    kit.end('c', Date.now());
    const c = await kit.settled('c');
    assert.equal(c.clip_state, 'ready', 'the rest of the incident is still a clip');
    const gaps = JSON.parse(c.clip_gaps) as Array<{ from: number; to: number; reason: string }>;
    assert.equal(gaps.length, 1, JSON.stringify(gaps));
    assert.match(gaps[0]?.reason ?? '', /SIGKILL|signal|exit/i);
    assert.ok((gaps[0]?.to ?? 0) > (gaps[0]?.from ?? 0));
    assert.ok(kit.recorderStats().restarts >= 1);
    assert.equal(recorderPids(kit.ringDir).length, 1, 'recording again');
    await kit.clips.stop();
  });
});
