import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { mediaIndex } from '../../../runtime/media/mediaIndex';
import { MediaRetention } from '../../../runtime/media/retention/mediaRetention';
import { Metrics } from '../../../runtime/metrics/metrics';
import { datedMediaPath } from '../../../runtime/store/mediaPaths';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore } from '../events/queries/eventStoreFixture';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

test('a clip recorded before NTP set the clock forwards a year is not deleted as a year old', async () => {
  const { db, writer } = freshStore();
  const dataDir = tempDir('vigil-retention-clock-');
  const { logger } = memoryLogger();
  const retention = new MediaRetention({
    db,
    writer,
    dataDir,
    logger,
    metrics: new Metrics(),
    freeSpace: () => Number.MAX_SAFE_INTEGER,
    config: {
      retention: {
        schedule: '0 * * * *',
        min_free_mb: 0,
        events_days: 30,
        clips: { days: 14, max_gb: 0 },
        snapshots: { days: 14, max_gb: 0 },
        unknown_faces: { max_mb: 0 },
      },
      faces: { unknown_retain_days: 30 },
      device: { timezone: 'UTC' },
    },
  });
  // The process started (at its last saved time) a year behind; 10 minutes in it recorded a clip.
  const realNow = Date.now();
  const bootedAt = realNow - YEAR - 10 * 60_000;
  const clip = (name: string, at: number) => {
    const path = datedMediaPath('clip', at, `${name}.mp4`, 'UTC');
    mkdirSync(dirname(join(dataDir, path)), { recursive: true });
    writeFileSync(join(dataDir, path), 'x'.repeat(100));
    utimesSync(join(dataDir, path), new Date(realNow - 60_000), new Date(realNow - 60_000));
    mediaIndex.upsert(db, {
      path,
      kind: 'clip',
      camera: 'front',
      incident_id: null,
      event_id: null,
      bytes: 100,
      created_at: at,
    });
    return join(dataDir, path);
  };
  const earlier = clip('from-an-earlier-run', bootedAt - DAY); // before this process: kept its age
  const recorded = clip('recorded-before-the-jump', bootedAt + 9 * 60_000);

  // NTP: the jump is seen 10 minutes after the start; the media stamped since the start move with it.
  assert.equal(await retention.moveWithClock(bootedAt, bootedAt + 10 * 60_000, YEAR), 1);
  await retention.sweep(realNow, 'manual');
  assert.equal(existsSync(recorded), true, 'one minute old, not a year');
  assert.equal(existsSync(earlier), false, 'media of an earlier run keep their age');
  await retention.close();
});
