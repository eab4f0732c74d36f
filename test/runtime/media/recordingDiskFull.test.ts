import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freeBytes } from '../../../runtime/media/diskSpace';
import { clipKit } from './clipKit';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real small filesystem for the ring: a 24 MB tmpfs (CI runs as root). Where mounting is not
 * allowed, the ring sits in a plain directory and the test plays the full disk by filling a
 * stand-in free-space figure instead, which still drives the pause and resume, but not ffmpeg's
 * own ENOSPC; the test says which it used.
 */
function smallDisk(): { dir: string; real: boolean } {
  const parent = mkdtempSync(join(tmpdir(), 'vigil-ring-'));
  const dir = join(parent, 'ring');
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', dir]).status === 0;
  // Unmounted before the directory goes (a mount point cannot be removed).
  after(() => {
    if (mounted) spawnSync('umount', ['-l', dir]);
    rmSync(parent, { recursive: true, force: true });
  });
  if (!mounted)
    console.log('# tmpfs could not be mounted here: the full disk is played by a stand-in free-space figure');
  return { dir, real: mounted };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('recording on a full disk', () => {
  it('stops the ring cleanly, raises a system event, and resumes when space returns', async () => {
    const disk = smallDisk();
    let standInFree = 100 * MB;
    const kit = clipKit({
      pre: 2,
      post: 2,
      ringDir: disk.dir,
      ringMinFreeBytes: 4 * MB,
      ...(disk.real ? {} : { freeSpace: () => standInFree }),
    });
    await kit.clips.start();
    const segments = () => readdirSync(join(disk.dir, 'front')).filter((f) => /^\d+-\d+\.ts$/.test(f)).length;
    await waitFor('the first segments', () => segments() >= 2);

    const filler = join(disk.dir, 'filler');
    if (disk.real) {
      // Fill the tmpfs to the last byte: ffmpeg meets ENOSPC, or the next check sees no room.
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=64'], { stdio: 'ignore' });
      assert.ok(freeBytes(disk.dir) < MB, 'the tmpfs is full');
    } else standInFree = MB;

    await waitFor('the pause', () => kit.systemEvents.some((e) => e.data?.what === 'recording_paused'));
    const paused = kit.systemEvents.find((e) => e.data?.what === 'recording_paused');
    assert.equal(paused?.type, 'system');
    assert.equal(paused?.camera, 'front');
    assert.equal(paused?.severity, 'high');
    assert.match(String(paused?.data?.reason), /free|space/i);
    // Stopping ffmpeg finishes its segment first, so it may take a moment after the event.
    await waitFor('ffmpeg to stop (not crash-loop)', () => !kit.recorderStats().running, 10_000);
    assert.ok(kit.lines.some((l) => /recording paused/.test(String(l.msg))));

    if (disk.real) rmSync(filler);
    else standInFree = 100 * MB;
    const before = segments();
    await waitFor('the resume', () => kit.systemEvents.some((e) => e.data?.what === 'recording_resumed'));
    await waitFor('new segments', () => segments() > before);
    assert.equal(kit.recorderStats().running, true);
    await kit.clips.stop();
  });
});
