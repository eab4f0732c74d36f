import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import { SimScene } from '../../../hal/camera/sim/simScene';
import { SCENE_CYCLE_SECONDS } from '../../../hal/camera/sim/walkSchedule';
import { cameraSourceContract } from './cameraSourceContract';

cameraSourceContract({
  name: 'sim',
  healthy: () => ({ driver: 'sim', scene: 'people', people: 2 }),
  spawnsProcesses: false,
});

type Box = { left: number; top: number; width: number; height: number };

/** Person boxes centernet finds in a frame letterboxed to 512×512, in frame pixels. */
async function detectPeople(runner: InProcessRunner, frame: Buffer, width: number, height: number) {
  const scale = 512 / Math.max(width, height);
  const padTop = Math.floor((512 - Math.round(height * scale)) / 2);
  const padLeft = Math.floor((512 - Math.round(width * scale)) / 2);
  const input = await sharp(frame, { raw: { width, height, channels: 3 } })
    .resize(512, 512, { fit: 'contain', background: '#000000' })
    .raw()
    .toBuffer();
  const outputs = await runner.run('centernet', { data: Float32Array.from(input), shape: [1, 512, 512, 3] });
  const table = outputs.find((output) => output.shape.join() === '1,100,6');
  assert.ok(table, 'centernet returns its [1,100,6] detection table');
  const people: Array<Box & { score: number }> = [];
  for (let i = 0; i < 100; i++) {
    const [x1, y1, x2, y2, score, label] = table.data.subarray(i * 6, i * 6 + 6);
    if (label !== 0 || (score ?? 0) < 0.3) continue;
    people.push({
      left: ((x1 ?? 0) - padLeft) / scale,
      top: ((y1 ?? 0) - padTop) / scale,
      width: ((x2 ?? 0) - (x1 ?? 0)) / scale,
      height: ((y2 ?? 0) - (y1 ?? 0)) / scale,
      score: score ?? 0,
    });
  }
  return people;
}

function overlap(a: Box, b: Box): number {
  const width = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const height = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  if (width <= 0 || height <= 0) return 0;
  const inter = width * height;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

describe('sim scene', () => {
  it('is the same picture for the same scene time, and still while nobody is in view', async () => {
    const [a, b] = await Promise.all([SimScene.create(320, 180, 2), SimScene.create(320, 180, 2)]);
    assert.ok(a.frameAt(3.2).equals(b.frameAt(3.2)));
    assert.ok(a.frameAt(3.2).equals(a.frameAt(3.2 + SCENE_CYCLE_SECONDS)), 'the scene repeats each cycle');
    assert.ok(!a.frameAt(3.2).equals(a.frameAt(3.4)), 'people move');
    assert.equal(a.peopleAt(15).length, 0);
    assert.ok(a.frameAt(13).equals(a.frameAt(19)), 'quiet part of the cycle: no motion at all');
    const seen = new Set<number>();
    for (let t = 0; t < SCENE_CYCLE_SECONDS; t += 0.5) seen.add(a.peopleAt(t).length);
    assert.deepEqual([...seen].sort(), [0, 1, 2]);
  });

  it('shows people a COCO detector (centernet) finds as "person" where they are', async () => {
    const runner = new InProcessRunner('wasm');
    after(() => runner.close());
    const scene = await SimScene.create(640, 360, 2);
    // t=3: the first person is fully in view (the second just entering); t=7.5: the other way round.
    for (const time of [3, 7.5]) {
      const truth = scene.peopleAt(time).sort((x, y) => y.width - x.width)[0];
      assert.ok(truth, `someone in view at t=${time}`);
      const found = await detectPeople(runner, scene.frameAt(time), 640, 360);
      const best = Math.max(0, ...found.filter((box) => overlap(box, truth) > 0.4).map((box) => box.score));
      assert.ok(
        best >= 0.5,
        `person at t=${time} found with score ${best.toFixed(2)} (${JSON.stringify(found)})`,
      );
      console.log(`sim person at t=${time}s: centernet score ${best.toFixed(2)}`);
    }
  });
});
