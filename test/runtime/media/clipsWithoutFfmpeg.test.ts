import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hideFfmpeg } from '../../helpers/withoutFfmpeg';
import { clipKit } from './clipKit';

const NOT_INSTALLED = /^ffmpeg is not installed — install the Debian package ffmpeg/;

describe('incident clips without ffmpeg installed', () => {
  it("marks the camera's incidents missing, saying to install ffmpeg, instead of recording forever", async () => {
    // Made before ffmpeg is hidden: the kit renders its camera video with it.
    const kit = clipKit({ pre: 5, post: 5 });
    const showFfmpeg = hideFfmpeg();
    try {
      await kit.clips.start();
      const t0 = Date.now();
      kit.incident('open', t0);
      kit.incident('ended', t0);
      kit.end('ended', t0 + 1000);

      for (const id of ['open', 'ended']) {
        const row = await kit.settled(id, 5_000);
        assert.equal(row.clip_state, 'missing', id);
        assert.equal(row.clip_path, null);
        const gaps = JSON.parse(row.clip_gaps) as Array<{ from: number; to: number; reason: string }>;
        assert.equal(gaps.length, 1);
        assert.equal(gaps[0]?.from, t0 - 5000, 'the gap starts with the window (pre_capture)');
        assert.match(gaps[0]?.reason ?? '', NOT_INSTALLED);
        const audit = kit.db
          .prepare("SELECT reason FROM audit WHERE subject_id = ? AND state = 'clip_missing'")
          .pluck()
          .get(id);
        assert.match(String(audit), NOT_INSTALLED);
      }
      const health = kit.clips.health().front as { running: boolean; cannot_record?: string };
      assert.equal(health.running, false);
      assert.match(health.cannot_record ?? '', NOT_INSTALLED);

      // An incident that starts later gets the same answer at once.
      kit.incident('later', Date.now());
      assert.equal((await kit.settled('later', 5_000)).clip_state, 'missing');
      await sleep(1000);
      assert.equal(kit.recorderStats().restarts, 1, 'ffmpeg was looked for once, not in a loop');
    } finally {
      showFfmpeg();
    }
    await kit.clips.stop();
  });
});
