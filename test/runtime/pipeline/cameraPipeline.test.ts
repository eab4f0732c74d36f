import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDetector } from '../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../hal/accel/types';
import type { Frame } from '../../../hal/camera/types';
import { applyDefaults } from '../../../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../../../runtime/config/schema/camera';
import type { EventInput } from '../../../runtime/domain/eventModel';
import { CameraPipeline, type FrameObservation } from '../../../runtime/pipeline/cameraPipeline';
import { decodeFrames } from '../../fixtures/decodeFrames';
import { makePersonVideo, type PersonVideo } from '../../fixtures/personVideo';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';

const FPS = 5;

function cameraConfig(overrides: Record<string, unknown> = {}): CameraConfig {
  return applyDefaults(CameraSchema, {
    source: { driver: 'file', path: 'unused.mp4' },
    detect: { width: 640, height: 360, fps: FPS },
    ...overrides,
  }) as CameraConfig;
}

describe('camera pipeline on a real video with the real detector', () => {
  let detector: ObjectDetector;
  let video: PersonVideo;
  let frames: Frame[];
  const events: EventInput[] = [];
  const observations: FrameObservation[] = [];

  before(async () => {
    const dir = tempDir();
    video = await makePersonVideo(dir);
    frames = decodeFrames(video.file, 640, 360, FPS);
    detector = createDetector(
      'default',
      { type: 'wasm', model: 'centernet' },
      { logger: memoryLogger().logger },
    );
    await detector.load();
    const pipeline = new CameraPipeline({
      camera: 'yard',
      config: cameraConfig({
        zones: {
          lawn: {
            coordinates: [
              [0, 0.5],
              [1, 0.5],
              [1, 1],
              [0, 1],
            ],
          },
        },
      }),
      sourceStats: () => ({ framesReceived: 0, framesSkipped: 0, reconnects: 0 }),
      detector,
      modelInputSize: 512,
      faces: null,
      publish: (event) => events.push(event),
      logger: memoryLogger().logger,
      observe: (observation) => observations.push(observation),
    });
    async function* feed() {
      yield* frames;
    }
    await pipeline.run(feed());
  });

  after(() => detector?.close());

  /** Video time (s) of a frame. */
  const timeOf = (frame: Frame) => frame.seq / FPS;

  it('finds motion only where the person walks', () => {
    let framesWithMotion = 0;
    for (const { frame, motion } of observations) {
      const t = timeOf(frame);
      if (motion.regions.length > 0) framesWithMotion++;
      for (const region of motion.regions) {
        assert.ok(t >= video.walk.from, `motion at t=${t} s before the person appears: ${region.box}`);
        // Inside the strip the person has walked through so far (the running-average background keeps
        // a fading trace of what just left, so "where they were" counts too).
        const path = video.pathUntil(Math.min(t, video.walk.to));
        const [x1, y1, x2, y2] = region.box;
        const inside =
          x1 * 640 < path.x + path.width &&
          x2 * 640 > path.x &&
          y1 * 360 < path.y + path.height &&
          y2 * 360 > path.y;
        assert.ok(
          inside,
          `motion region ${region.box} at t=${t} s is off the person's path ${JSON.stringify(path)}`,
        );
      }
    }
    assert.ok(
      framesWithMotion >= (video.walk.to - video.walk.from) * FPS * 0.6,
      `motion in only ${framesWithMotion} frames`,
    );
  });

  it('follows the walking person as one tracked object: new, updates, end', () => {
    const tracked = events.filter((e) => e.type === 'object_detected');
    const ids = new Set(tracked.map((e) => e.object_id));
    assert.equal(ids.size, 1, `expected one track, got ${[...ids].join(', ')}`);
    const phases = tracked.map((e) => (e.data as { phase: string }).phase);
    assert.equal(phases[0], 'new');
    assert.equal(phases.at(-1), 'end');
    assert.equal(phases.filter((p) => p === 'new').length, 1);
    assert.equal(phases.filter((p) => p === 'end').length, 1);
    assert.ok(phases.includes('update'), `no update among ${phases.join(',')}`);
    for (const event of tracked) assert.equal(event.label, 'person');
  });

  it('puts the box where the person is', () => {
    const first = events.find(
      (e) => e.type === 'object_detected' && (e.data as { phase: string }).phase === 'new',
    );
    assert.ok(first?.box && typeof first.timestamp === 'number');
    const t = (first.timestamp - (frames[0]?.timestamp ?? 0)) / 1000;
    const truth = video.boxAt(t);
    assert.ok(truth, `new reported at t=${t} s when nobody is in the frame`);
    const [x1, , x2] = first.box;
    const centre = ((x1 + x2) / 2) * 640;
    assert.ok(
      Math.abs(centre - (truth.x + truth.width / 2)) < truth.width / 2,
      `box centre ${centre} vs ${JSON.stringify(truth)}`,
    );
  });

  it('reports the zone the person walks in and motion once it starts', () => {
    const tracked = events.filter((e) => e.type === 'object_detected');
    assert.ok(
      tracked.some((e) => e.zones?.includes('lawn')),
      'the person never entered the lawn zone',
    );
    assert.ok(
      events.some((e) => e.type === 'motion'),
      'no motion event',
    );
  });

  it('with required_zones, reports only objects that entered one of them', async () => {
    const reported: EventInput[] = [];
    const gateOnly = new CameraPipeline({
      camera: 'yard',
      config: cameraConfig({
        objects: { track: ['person'], required_zones: ['gate'] },
        zones: {
          gate: {
            coordinates: [
              [0, 0],
              [0.1, 0],
              [0.1, 0.1],
              [0, 0.1],
            ],
          },
        },
      }),
      sourceStats: () => ({ framesReceived: 0, framesSkipped: 0, reconnects: 0 }),
      detector,
      modelInputSize: 512,
      faces: null,
      publish: (event) => reported.push(event),
      logger: memoryLogger().logger,
      observe: ({ update }) => {
        confirmed += update.started.length;
      },
    });
    let confirmed = 0;
    async function* walkOnly() {
      yield* frames.filter((f) => timeOf(f) >= video.walk.from - 0.4 && timeOf(f) <= video.walk.to + 0.4);
    }
    await gateOnly.run(walkOnly());
    assert.equal(confirmed, 1, 'the tracker did not follow the person');
    assert.deepEqual(
      reported.filter((e) => e.type === 'object_detected'),
      [],
      'an object that never entered the gate was reported',
    );
  });

  it('finds nothing before the person appears', () => {
    const early = observations.filter((o) => timeOf(o.frame) < video.walk.from - 0.5);
    assert.ok(early.length >= 5);
    for (const o of early) assert.equal(o.detections.length, 0, `detections at t=${timeOf(o.frame)} s`);
  });
});
