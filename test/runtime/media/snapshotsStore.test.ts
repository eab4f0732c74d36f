import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { Frame } from '../../../hal/camera/types';
import { encodeJpeg } from '../../../runtime/media/annotate';
import { mediaIndex } from '../../../runtime/media/mediaIndex';
import { SnapshotStore } from '../../../runtime/media/snapshots/snapshotStore';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore } from '../events/queries/eventStoreFixture';
import { photoFrame, requestFor } from './snapshotsFixture';

describe('snapshot store', () => {
  let frame: Frame;
  let flipped: Frame;
  before(async () => {
    frame = await photoFrame();
    flipped = await photoFrame(Date.now(), { flip: true });
  });

  function newStore(dataDir = tempDir(), store = freshStore()) {
    const log = memoryLogger();
    const snapshots = new SnapshotStore({ dataDir, store, timeZone: 'UTC', logger: log.logger });
    return { snapshots, dataDir, store, log };
  }

  it('writes the clean, annotated and thumbnail JPEGs under dated folders', async () => {
    const { snapshots, dataDir } = newStore();
    const files = await snapshots.save(requestFor(frame));
    assert.ok(files);
    assert.deepEqual(files, {
      snapshot: 'snapshots/2024-05-17/front-1700000000.123456-abc123.jpg',
      annotated: 'snapshots/2024-05-17/front-1700000000.123456-abc123-annotated.jpg',
      thumbnail: 'thumbnails/2024-05-17/front-1700000000.123456-abc123.jpg',
    });
    const clean = await sharp(join(dataDir, files.snapshot)).metadata();
    const annotated = await sharp(join(dataDir, files.annotated)).metadata();
    const thumbnail = await sharp(join(dataDir, files.thumbnail)).metadata();
    for (const meta of [clean, annotated, thumbnail]) assert.equal(meta.format, 'jpeg');
    assert.deepEqual([clean.width, clean.height], [640, 360]);
    assert.deepEqual([annotated.width, annotated.height], [640, 360]);
    assert.deepEqual([thumbnail.width, thumbnail.height], [320, 180]);
    const bytes = (path: string) => statSync(join(dataDir, path)).size;
    assert.ok(bytes(files.thumbnail) < bytes(files.snapshot) / 2, 'the thumbnail is not small');
    assert.notDeepEqual(
      readFileSync(join(dataDir, files.annotated)),
      readFileSync(join(dataDir, files.snapshot)),
    );
    // The box (x from 12.8 px) is drawn in red (#ff3b30) on the annotated variant only: look at its left edge.
    const redOnEdge = async (path: string) => {
      const { data } = await sharp(join(dataDir, path))
        .extract({ left: 12, top: 60, width: 2, height: 100 })
        .raw()
        .toBuffer({ resolveWithObject: true });
      let red = 0;
      for (let i = 0; i < data.length; i += 3)
        if ((data[i] ?? 0) > 200 && (data[i + 1] ?? 255) < 110 && (data[i + 2] ?? 255) < 110) red++;
      return red;
    };
    assert.ok((await redOnEdge(files.annotated)) > 150, 'no box edge on the annotated snapshot');
    assert.equal(await redOnEdge(files.snapshot), 0);
    const leftovers = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.part'),
    );
    assert.deepEqual(leftovers, []);
  });

  it('encodes the full-size snapshots at quality 75: a third fewer bytes onto the card than 85', async () => {
    const { snapshots, dataDir } = newStore();
    const request = requestFor(frame);
    const files = await snapshots.save(request);
    assert.ok(files);
    const at85 = await encodeJpeg(request.frame, [], {}, 85);
    const at75 = await encodeJpeg(request.frame, [], {}, 75);
    const clean = statSync(join(dataDir, files.snapshot)).size;
    assert.equal(clean, at75.length);
    assert.ok(clean < at85.length * 0.85, `${clean} bytes is not clearly less than ${at85.length} at 85`);
  });

  it('registers the three files in media with their sizes, and a re-save overwrites them', async () => {
    const { snapshots, dataDir, store } = newStore();
    const first = await snapshots.save(requestFor(frame));
    assert.ok(first);
    const firstBytes = readFileSync(join(dataDir, first.snapshot));
    const second = await snapshots.save(requestFor(flipped, { box: [0.5, 0.1, 0.9, 0.9], score: 0.95 }));
    assert.deepEqual(second, first);
    assert.notDeepEqual(
      readFileSync(join(dataDir, first.snapshot)),
      firstBytes,
      'the better frame did not replace',
    );
    const rows = store.db.prepare('SELECT * FROM media ORDER BY path').all() as Array<
      Record<string, unknown>
    >;
    assert.equal(rows.length, 3);
    for (const [path, kind] of [
      [first.snapshot, 'snapshot'],
      [first.annotated, 'snapshot'],
      [first.thumbnail, 'thumbnail'],
    ] as const) {
      const row = mediaIndex.get(store.db, path);
      assert.ok(row, `no media row for ${path}`);
      assert.equal(row.kind, kind);
      assert.equal(row.camera, 'front');
      assert.equal(row.bytes, statSync(join(dataDir, path)).size, `bytes of ${path}`);
      assert.ok(Math.abs(row.created_at - Date.now()) < 10_000);
    }
  });

  it('puts a snapshot in the day folder of the device time zone', async () => {
    const dataDir = tempDir();
    const snapshots = new SnapshotStore({
      dataDir,
      store: freshStore(),
      timeZone: 'Europe/Berlin',
      logger: memoryLogger().logger,
    });
    const files = await snapshots.save(requestFor(frame, { at: Date.UTC(2024, 0, 1, 23, 30) }));
    assert.match(files?.thumbnail ?? '', /^thumbnails\/2024-01-02\//);
  });

  it('keeps the latest per camera, also across a restart', async () => {
    const { snapshots, dataDir, store } = newStore();
    assert.equal(snapshots.latest('front'), null);
    await snapshots.save(requestFor(frame, { objectId: 'a' }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newest = await snapshots.save(requestFor(flipped, { objectId: 'b' }));
    const back = await snapshots.save(requestFor(frame, { camera: 'back', objectId: 'c' }));
    assert.deepEqual(snapshots.latest('front'), newest);
    assert.deepEqual(snapshots.latest('back'), back);

    const restarted = new SnapshotStore({ dataDir, store, timeZone: 'UTC', logger: memoryLogger().logger });
    assert.deepEqual(restarted.latest('front'), newest);
    assert.deepEqual(restarted.latest('back'), back);
    assert.equal(restarted.latest('garage'), null);
  });

  it('logs and counts a failed write instead of throwing, and registers nothing', async () => {
    const notADirectory = join(tempDir(), 'file');
    writeFileSync(notADirectory, 'x');
    const { snapshots, store, log } = newStore(notADirectory);
    assert.equal(await snapshots.save(requestFor(frame)), null);
    assert.deepEqual(snapshots.stats(), { saved: 0, failed: 1 });
    assert.ok(log.lines.some((l) => l.level === 40 && String(l.msg).includes('could not save')));
    assert.equal(mediaIndex.totals(store.db).snapshot, 0);
    assert.equal(snapshots.latest('front'), null);
  });
});
