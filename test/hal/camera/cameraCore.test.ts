import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from '../../../base/backoff';
import { FrameClock } from '../../../hal/camera/core/frameClock';
import { FrameDelivery } from '../../../hal/camera/core/frameDelivery';
import { FrameSplitter } from '../../../hal/camera/core/frameSplitter';
import { RateLimiter } from '../../../hal/camera/core/rateLimiter';
import { createCameraSource } from '../../../hal/camera/createCameraSource';
import type { CameraStatus } from '../../../hal/camera/types';
import { memoryLogger } from '../../helpers/memoryLogger';
import { cameraConfig, testSourceOptions } from './fixtures/cameraConfig';

describe('camera core helpers', () => {
  it('backs off exponentially up to a cap and starts over on reset', () => {
    const backoff = new Backoff(1_000, 30_000);
    const delays = Array.from({ length: 8 }, () => backoff.next());
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    backoff.reset();
    assert.equal(backoff.next(), 1_000);
  });

  it('stamps frames with strictly increasing wall-clock time even when the clock steps back', () => {
    let monotonic = 1_000;
    const clock = new FrameClock(
      () => 1_700_000_000_000,
      () => monotonic,
    );
    const first = clock.next();
    assert.equal(first, 1_700_000_000_000);
    assert.equal(clock.next(), first + 1, 'same millisecond: bumped by 1');
    monotonic += 200;
    assert.equal(clock.next(), first + 200);
  });

  it('limits a fast source to fps but lets a jittery on-rate source through', () => {
    const limiter = new RateLimiter(5);
    let admitted = 0;
    for (let t = 0; t < 2_000; t += 10) if (limiter.admit(t)) admitted += 1;
    assert.ok(admitted >= 10 && admitted <= 11, `${admitted} of 200 frames at 100 fps`);
    const onRate = new RateLimiter(5);
    const jitter = [0, 20, -25, 30, -10, 5, -30, 0, 25, -20];
    const passed = jitter.filter((offset, i) => onRate.admit(i * 200 + offset)).length;
    assert.equal(passed, jitter.length);
  });

  it('cuts a byte stream into exact frames whatever the chunk sizes', () => {
    const frames: Buffer[] = [];
    const splitter = new FrameSplitter(6, (frame) => frames.push(frame));
    const bytes = Buffer.from(Array.from({ length: 20 }, (_, i) => i));
    splitter.push(bytes.subarray(0, 4));
    splitter.push(bytes.subarray(4, 5));
    splitter.push(bytes.subarray(5, 20));
    assert.deepEqual(
      frames.map((frame) => [...frame]),
      [
        [0, 1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10, 11],
        [12, 13, 14, 15, 16, 17],
      ],
    );
    assert.equal(splitter.pendingBytes, 2);
  });
});

describe('frame delivery', () => {
  const make = (mode: 'latest' | 'lossless', statuses: CameraStatus[] = []) =>
    new FrameDelivery({
      width: 2,
      height: 1,
      fps: 30,
      mode,
      logger: memoryLogger().logger,
      onStatus: (status) => statuses.push(status),
    });

  it('keeps only the newest frame for a busy consumer and counts the rest as skipped', async () => {
    const delivery = make('latest');
    const iterator = delivery.iterate(async () => {});
    delivery.offer(Buffer.alloc(6, 1));
    await new Promise((resolve) => setTimeout(resolve, 40));
    delivery.offer(Buffer.alloc(6, 2));
    await new Promise((resolve) => setTimeout(resolve, 40));
    delivery.offer(Buffer.alloc(6, 3));
    const next = await iterator.next();
    assert.equal(next.value?.data[0], 3);
    assert.equal(next.value?.seq, 2);
    assert.equal(delivery.stats.framesSkipped, 2);
    assert.equal(delivery.stats.framesReceived, 3);
  });

  it('asks a lossless producer to pause and resumes it once the consumer caught up', async () => {
    const delivery = make('lossless');
    let drained = 0;
    delivery.onDrain(() => {
      drained += 1;
    });
    const iterator = delivery.iterate(async () => {});
    assert.equal(delivery.offer(Buffer.alloc(6, 1)), false);
    assert.equal(delivery.offer(Buffer.alloc(6, 2)), false);
    assert.equal((await iterator.next()).value?.data[0], 1);
    assert.equal(drained, 0);
    assert.equal((await iterator.next()).value?.data[0], 2);
    assert.equal(drained, 1);
    const waiting = iterator.next();
    assert.equal(delivery.offer(Buffer.alloc(6, 3)), true, 'a waiting consumer takes it at once');
    assert.equal((await waiting).value?.seq, 2);
    assert.equal(delivery.stats.framesSkipped, 0);
  });

  it('reports status changes only, and ends a waiting consumer', async () => {
    const statuses: CameraStatus[] = [];
    const delivery = make('latest', statuses);
    const iterator = delivery.iterate(async () => {});
    delivery.offline('a');
    delivery.offline('b');
    delivery.offer(Buffer.alloc(6));
    delivery.offer(Buffer.alloc(6));
    delivery.offline('c');
    assert.deepEqual(statuses, [
      { state: 'offline', reason: 'a' },
      { state: 'online' },
      { state: 'offline', reason: 'c' },
    ]);
    await iterator.next();
    const pending = iterator.next();
    delivery.end({ discardPending: true });
    assert.equal((await pending).done, true);
    assert.throws(() => delivery.iterate(async () => {}), /only once/);
  });
});

describe('createCameraSource', () => {
  it('builds the driver the config names', () => {
    for (const source of [
      { driver: 'ffmpeg', url: 'rtsp://cam/1' },
      { driver: 'file', path: '/tmp/x.mp4' },
      { driver: 'libcamera' },
      { driver: 'sim' },
    ]) {
      const camera = createCameraSource(testSourceOptions(cameraConfig(source)).options);
      assert.equal(camera.driver, source.driver);
      assert.equal(camera.camera, 'test');
      assert.deepEqual(camera.stats(), { framesReceived: 0, framesSkipped: 0, reconnects: 0 });
    }
  });

  it('rejects an unknown driver, listing the valid ones', () => {
    const config = cameraConfig({ driver: 'sim' });
    (config.source as { driver: string }).driver = 'gstreamer';
    assert.throws(
      () => createCameraSource(testSourceOptions(config, 'porch').options),
      /camera 'porch': unknown source driver 'gstreamer'.*valid drivers: ffmpeg, file, libcamera, sim/,
    );
  });
});
