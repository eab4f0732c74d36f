import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDelivery } from '../../../hal/camera/core/frameDelivery';
import type { Frame } from '../../../hal/camera/types';
import { readAhead } from '../../../runtime/pipeline/readAhead';
import { memoryLogger } from '../../helpers/memoryLogger';

/** A live camera's hand-over point (newest frame kept), at a rate that thins nothing in the test. */
function liveCamera() {
  return new FrameDelivery({
    width: 2,
    height: 1,
    fps: 1_000_000,
    mode: 'latest',
    logger: memoryLogger().logger,
    onStatus: () => {},
  });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Consumes `frames` like a camera pipeline, the camera having delivered frame 0: for that frame, `during` runs while it is being
 * "processed" (the camera delivers frames meanwhile); the others are processed at once. Returns
 * the sequence numbers processed.
 */
async function consume(
  camera: FrameDelivery,
  frames: AsyncIterable<Frame>,
  during: () => Promise<void>,
): Promise<number[]> {
  camera.offer(Buffer.alloc(6, 0));
  const seen: number[] = [];
  for await (const frame of frames) {
    seen.push(frame.seq);
    if (seen.length === 1) await during();
  }
  return seen;
}

describe('readAhead', () => {
  it('lets a frame that arrives during a slow one wait beside the newest, so none is skipped', async () => {
    const camera = liveCamera();
    const seen = await consume(
      camera,
      readAhead(
        camera.iterate(async () => {}),
        1,
      ),
      async () => {
        // Two frames arrive while frame 0 takes two frame intervals (its regions waited behind other cameras').
        for (let seq = 1; seq <= 2; seq++) {
          camera.offer(Buffer.alloc(6, seq));
          await tick();
        }
        camera.end({ discardPending: false });
      },
    );
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(camera.stats.framesSkipped, 0);
  });

  it('without it, the same slow frame costs the camera one frame (what skipped_fps showed)', async () => {
    const camera = liveCamera();
    const frames = camera.iterate(async () => {});
    const seen = await consume(camera, frames, async () => {
      for (let seq = 1; seq <= 2; seq++) {
        camera.offer(Buffer.alloc(6, seq));
        await tick();
      }
      camera.end({ discardPending: false });
    });
    assert.deepEqual(seen, [0, 2]);
    assert.equal(camera.stats.framesSkipped, 1);
  });

  it('still skips, and counts, what a consumer that stays behind cannot take', async () => {
    const camera = liveCamera();
    const seen = await consume(
      camera,
      readAhead(
        camera.iterate(async () => {}),
        1,
      ),
      async () => {
        for (let seq = 1; seq <= 4; seq++) {
          camera.offer(Buffer.alloc(6, seq));
          await tick();
        }
        camera.end({ discardPending: false });
      },
    );
    // Frame 1 waits in the read-ahead; of 2, 3 and 4 the camera keeps the newest.
    assert.deepEqual(seen, [0, 1, 4]);
    assert.equal(camera.stats.framesSkipped, 2);
  });

  it('passes a source failure to the consumer, and returns the source when the consumer stops early', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('camera gone');
    }
    const got: number[] = [];
    await assert.rejects(async () => {
      for await (const n of readAhead(failing(), 1)) got.push(n);
    }, /camera gone/);
    assert.deepEqual(got, [1]);

    let returned = false;
    const endless: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => {
        let n = 0;
        return {
          next: async () => ({ value: n++, done: false }),
          return: async () => {
            returned = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
    for await (const n of readAhead(endless, 2)) if (n === 3) break;
    assert.equal(returned, true);
  });
});
