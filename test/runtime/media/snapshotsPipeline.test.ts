import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { ObjectDetector } from '../../../hal/accel/types';
import type { Frame } from '../../../hal/camera/types';
import type { Detection } from '../../../models/types';
import { applyDefaults } from '../../../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../../../runtime/config/schema/camera';
import type { EventInput } from '../../../runtime/domain/eventModel';
import type { SnapshotRequest, SnapshotSaver } from '../../../runtime/media/snapshots/snapshotSaver';
import { SnapshotStore } from '../../../runtime/media/snapshots/snapshotStore';
import { CameraPipeline } from '../../../runtime/pipeline/cameraPipeline';
import { ObjectSnapshots } from '../../../runtime/pipeline/objectSnapshots';
import type { TrackedObject, TrackerUpdate } from '../../../runtime/pipeline/tracking/index';
import type { SnapshotFiles } from '../../../runtime/store/snapshotFiles';
import { samplePhoto } from '../../fixtures/personVideo';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { freshStore } from '../events/queries/eventStoreFixture';
import { HEIGHT, WIDTH } from './snapshotsFixture';

const FPS = 5;
const BACKGROUND = [96, 104, 112] as const;

/**
 * A plain wall, then a real photo of a person coming closer (moving right and growing from 110 to
 * 230 px tall) for 20 frames: motion finds it, and each frame's sighting is bigger, so the best
 * snapshot keeps improving until the end.
 */
async function approachingPerson(): Promise<Frame[]> {
  const photo = await samplePhoto(0);
  const wall = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let i = 0; i < wall.length; i += 3) wall.set(BACKGROUND, i);
  const frames: Frame[] = [];
  const start = 1_700_000_000_000;
  const frameAt = (seq: number, data: Buffer): Frame => ({
    data,
    width: WIDTH,
    height: HEIGHT,
    format: 'rgb24',
    timestamp: start + (seq * 1000) / FPS,
    seq,
  });
  for (let seq = 0; seq < 8; seq++) frames.push(frameAt(seq, Buffer.from(wall)));
  for (let step = 0; step < 20; step++) {
    const height = 110 + step * 6;
    const person = await sharp(photo).resize({ height }).png().toBuffer();
    const data = await sharp(wall, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .composite([{ input: person, left: 60 + step * 14, top: 60 }])
      .removeAlpha()
      .raw()
      .toBuffer();
    frames.push(frameAt(frames.length, data));
  }
  return frames;
}

/** A detector port that "finds" a person wherever a crop differs from the plain wall. */
const wallDetector: ObjectDetector = {
  name: 'wall',
  type: 'wasm',
  load: async () => {},
  close: async () => {},
  inferenceSpeedMs: () => 1,
  async detect(image: RgbImage): Promise<Detection[]> {
    let [x1, y1, x2, y2, count] = [image.width, image.height, -1, -1, 0];
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 3;
        const diff =
          Math.abs((image.data[i] ?? 0) - BACKGROUND[0]) +
          Math.abs((image.data[i + 1] ?? 0) - BACKGROUND[1]) +
          Math.abs((image.data[i + 2] ?? 0) - BACKGROUND[2]);
        if (diff < 30) continue;
        count++;
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x);
        y2 = Math.max(y2, y);
      }
    }
    if (count < 200) return [];
    const box: Detection['box'] = [
      x1 / image.width,
      y1 / image.height,
      (x2 + 1) / image.width,
      (y2 + 1) / image.height,
    ];
    return [{ label: 'person', score: 0.9, box }];
  },
};

function cameraConfig(snapshotsEnabled: boolean): CameraConfig {
  return applyDefaults(CameraSchema, {
    source: { driver: 'file', path: 'unused.mp4' },
    detect: { width: WIDTH, height: HEIGHT, fps: FPS },
    snapshots: { enabled: snapshotsEnabled },
  }) as CameraConfig;
}

async function runPipeline(frames: Frame[], saver: SnapshotSaver, snapshotsEnabled = true) {
  const events: EventInput[] = [];
  const pipeline = new CameraPipeline({
    camera: 'yard',
    config: cameraConfig(snapshotsEnabled),
    sourceStats: () => ({ framesReceived: 0, framesSkipped: 0, reconnects: 0 }),
    detector: wallDetector,
    modelInputSize: 320,
    faces: null,
    publish: (event) => events.push(event),
    logger: memoryLogger().logger,
    snapshots: saver,
  });
  async function* feed() {
    yield* frames;
  }
  await pipeline.run(feed());
  return events.filter((e) => e.type === 'object_detected');
}

const phaseOf = (event: EventInput) => (event.data as { phase: string }).phase;
const snapshotOf = (event: EventInput) => (event.data as { snapshot?: string }).snapshot;
const boxArea = (box: readonly number[]) => ((box[2] ?? 0) - (box[0] ?? 0)) * ((box[3] ?? 0) - (box[1] ?? 0));

describe('snapshots from the camera pipeline', () => {
  let frames: Frame[];
  before(async () => {
    frames = await approachingPerson();
  });

  it('saves the best frame at new and again at end, and both events name the snapshot', async () => {
    const dataDir = tempDir();
    const store = new SnapshotStore({
      dataDir,
      store: freshStore(),
      timeZone: 'UTC',
      logger: memoryLogger().logger,
    });
    const saves: Array<{ request: SnapshotRequest; files: SnapshotFiles | null }> = [];
    const saver: SnapshotSaver = {
      async save(request) {
        const files = await store.save(request);
        saves.push({ request, files });
        return files;
      },
    };
    const tracked = await runPipeline(frames, saver);

    assert.deepEqual(new Set(tracked.map(phaseOf)).has('new'), true, 'the person was not tracked');
    const first = tracked[0];
    const last = tracked.at(-1);
    assert.ok(first && last);
    assert.equal(phaseOf(first), 'new');
    assert.equal(phaseOf(last), 'end');
    assert.equal(new Set(tracked.map((e) => e.object_id)).size, 1);

    const path = snapshotOf(first);
    assert.match(path ?? '', /^snapshots\/2023-11-14\/yard-.+\.jpg$/);
    assert.equal(snapshotOf(last), path);
    for (const event of tracked.slice(1)) assert.equal(snapshotOf(event), path, `${phaseOf(event)} lacks it`);
    assert.ok(existsSync(join(dataDir, path ?? '')));

    // Once at new, once at end with a bigger (better) sighting; updates within 10 s do not re-save.
    assert.equal(saves.length, 2, `saves: ${saves.length}`);
    const [atNew, atEnd] = saves.map((s) => s.request);
    assert.ok(atNew && atEnd);
    assert.ok(boxArea(atEnd.box) > boxArea(atNew.box) * 1.5, 'the end save is not the bigger sighting');
    assert.ok(atEnd.frame !== atNew.frame);
    assert.deepEqual(store.latest('yard'), saves[0]?.files);
  });

  it('saves nothing when snapshots are off for the camera', async () => {
    let saves = 0;
    const tracked = await runPipeline(
      frames,
      {
        save: async () => {
          saves++;
          return null;
        },
      },
      false,
    );
    assert.ok(tracked.length >= 2);
    assert.equal(saves, 0);
    assert.ok(tracked.every((e) => snapshotOf(e) === undefined));
  });
});

describe('object snapshot policy', () => {
  const frame = (n: number): RgbImage => ({ data: new Uint8Array(3), width: 1, height: 1 + n });
  const track = (id: string, bestAt: number): TrackedObject =>
    ({
      id,
      label: 'person',
      startedAt: 0,
      zones: [],
      best: { timestamp: bestAt, box: [0, 0, 1, 1], score: 0.9, area: 1, sharpness: 0 },
    }) as unknown as TrackedObject;
  const update = (bestChanged: TrackedObject[], ended: TrackedObject[] = []): TrackerUpdate => ({
    started: [],
    updated: [],
    ended,
    bestChanged,
  });

  it('holds one frame per live track, lets go of vanished and saved ones, retries a failed save', async () => {
    const requests: SnapshotRequest[] = [];
    let failing = true;
    const policy = new ObjectSnapshots({
      camera: 'yard',
      zones: {},
      refreshIntervalMs: 10_000,
      saver: {
        async save(request) {
          requests.push(request);
          if (failing) return null;
          return { snapshot: `s/${request.objectId}.jpg`, annotated: 'a', thumbnail: 't' };
        },
      },
    });
    const a = track('a', 1);
    const b = track('b', 1);
    policy.keep(update([a, b]), frame(1), [a, b]);
    assert.equal(policy.heldFrames, 2);
    policy.keep(update([]), frame(2), [a]);
    assert.equal(policy.heldFrames, 1, 'the vanished tentative track still holds a frame');

    assert.equal(await policy.pathFor(a, 'new', 1000), undefined, 'a failed save named a file');
    assert.equal(policy.heldFrames, 1, 'the frame of a failed save was dropped');
    failing = false;
    assert.equal(await policy.pathFor(a, 'update', 2000), undefined, 'retried before the refresh interval');
    assert.equal(await policy.pathFor(a, 'update', 11_000), 's/a.jpg');
    assert.equal(policy.heldFrames, 0, 'the saved frame is still held');
    assert.equal(requests.length, 2);

    const better = track('a', 12_000);
    policy.keep(update([better]), frame(3), [better]);
    assert.equal(await policy.pathFor(better, 'update', 12_000), 's/a.jpg');
    assert.equal(requests.length, 2, 'saved again within the refresh interval');
    assert.equal(await policy.pathFor(better, 'end', 12_500), 's/a.jpg');
    assert.equal(requests.length, 3);
    assert.equal(requests[2]?.frame.height, 4, 'the end save did not use the best frame');
    assert.equal(await policy.pathFor(better, 'end', 13_000), undefined, 'the ended object was kept');
  });
});
