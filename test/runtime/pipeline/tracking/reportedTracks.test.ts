import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detection } from '../../../../models/types';
import type { ObjectsConfig } from '../../../../runtime/config/schema/camera';
import { ObjectTracker } from '../../../../runtime/pipeline/tracking/index';
import { detection, FRAME, OBJECTS } from './trackingKit';

const START = 1_700_000_000_000;
/** vtest's rate. */
const FRAME_MS = 100;

/**
 * The traffic cone on vtest's lawn as the default detector (NanoDet on onnxruntime) saw it in the
 * clip's first 6 s, recorded with `npm run eval:tracks -- record` (x1, y1, x2, y2 as fractions of
 * the 768×576 frame, then the person score; null: not detected on that frame).
 */
const CONE: ReadonlyArray<readonly [number, number, number, number, number] | null> = [
  [0.3816, 0.3235, 0.3974, 0.3583, 0.5],
  [0.3813, 0.3193, 0.3964, 0.3618, 0.405],
  [0.382, 0.3206, 0.3972, 0.3593, 0.454],
  [0.3801, 0.3237, 0.3962, 0.36, 0.356],
  null,
  null,
  [0.3812, 0.3239, 0.3972, 0.36, 0.432],
  [0.3811, 0.3223, 0.3965, 0.3604, 0.477],
  [0.3817, 0.3251, 0.397, 0.3623, 0.354],
  [0.3807, 0.3208, 0.3973, 0.3618, 0.375],
  [0.381, 0.3233, 0.3971, 0.3609, 0.358],
  [0.3817, 0.3223, 0.3966, 0.3614, 0.425],
  null,
  [0.381, 0.3218, 0.3965, 0.3598, 0.367],
  [0.3808, 0.3206, 0.3975, 0.3621, 0.424],
  [0.3815, 0.3208, 0.3971, 0.3593, 0.429],
  [0.3817, 0.323, 0.3968, 0.3591, 0.368],
  [0.381, 0.3223, 0.3978, 0.3625, 0.445],
  [0.3814, 0.3227, 0.397, 0.3606, 0.441],
  [0.3809, 0.3224, 0.3975, 0.3622, 0.439],
  [0.3816, 0.3229, 0.3968, 0.3599, 0.445],
  [0.3816, 0.3229, 0.3969, 0.36, 0.437],
  [0.3816, 0.3229, 0.3968, 0.3605, 0.443],
  [0.3815, 0.3234, 0.3972, 0.3613, 0.478],
  [0.3814, 0.3236, 0.397, 0.3623, 0.478],
  [0.3815, 0.3236, 0.3971, 0.3621, 0.475],
  [0.3816, 0.3237, 0.3972, 0.3585, 0.531],
  [0.3813, 0.3232, 0.3971, 0.3618, 0.469],
  [0.3814, 0.3234, 0.397, 0.3614, 0.462],
  [0.3815, 0.3236, 0.3969, 0.3617, 0.479],
  [0.3815, 0.3234, 0.3967, 0.361, 0.466],
  [0.3817, 0.323, 0.397, 0.3612, 0.453],
  [0.3812, 0.3229, 0.3974, 0.3603, 0.472],
  [0.3814, 0.3235, 0.3974, 0.3616, 0.477],
  [0.3816, 0.323, 0.3971, 0.3605, 0.45],
  [0.3815, 0.3232, 0.3972, 0.3613, 0.459],
  [0.3816, 0.3232, 0.3971, 0.3618, 0.445],
  [0.3814, 0.323, 0.3972, 0.3568, 0.572],
  [0.3813, 0.3229, 0.3975, 0.359, 0.531],
  [0.3815, 0.3231, 0.3974, 0.3585, 0.562],
  [0.3814, 0.3231, 0.3974, 0.3578, 0.562],
  [0.3814, 0.323, 0.3973, 0.357, 0.561],
  [0.3814, 0.3229, 0.3973, 0.3577, 0.562],
  [0.3814, 0.323, 0.3973, 0.3581, 0.562],
  [0.3815, 0.323, 0.3973, 0.3582, 0.555],
  [0.3815, 0.323, 0.3973, 0.3584, 0.545],
  [0.3814, 0.3232, 0.3972, 0.3589, 0.544],
  [0.3816, 0.3232, 0.3971, 0.3583, 0.51],
  [0.3816, 0.3231, 0.3971, 0.3587, 0.492],
  [0.3815, 0.3234, 0.3972, 0.3618, 0.471],
  [0.3815, 0.3232, 0.3974, 0.3617, 0.468],
  [0.3815, 0.3232, 0.3973, 0.3621, 0.469],
  [0.3814, 0.3232, 0.3974, 0.3617, 0.471],
  [0.3815, 0.3231, 0.3973, 0.3612, 0.47],
  [0.3814, 0.3232, 0.3975, 0.3615, 0.463],
  [0.3811, 0.3231, 0.3975, 0.3611, 0.469],
  [0.3813, 0.3231, 0.3976, 0.3619, 0.461],
  [0.3808, 0.3222, 0.3982, 0.3627, 0.46],
  [0.3814, 0.3232, 0.3975, 0.3613, 0.445],
  [0.3815, 0.3235, 0.3971, 0.3585, 0.535],
  [0.3814, 0.3234, 0.3972, 0.3588, 0.486],
];

/** The person filter of NanoDet's registry defaults (min_score 0.35, threshold 0.55). */
const NANODET_OBJECTS: ObjectsConfig = {
  track: ['person'],
  required_zones: [],
  filters: { person: { min_score: 0.35, threshold: 0.55, min_area: 0, max_area: 10_000_000 } },
};

describe('ObjectTracker: what is reported', () => {
  it('never confirms a still object whose scores reach the threshold only for a moment (vtest’s cone)', () => {
    const tracker = new ObjectTracker({ objects: NANODET_OBJECTS, frame: { width: 768, height: 576 } });
    const started: number[] = [];
    for (const [frame, row] of CONE.entries()) {
      const detections: Detection[] = row
        ? [{ label: 'person', box: [row[0], row[1], row[2], row[3]], score: row[4] }]
        : [];
      if (tracker.update(detections, START + frame * FRAME_MS).started.length > 0) started.push(frame);
    }
    // Frigate's rule alone (median of the last ten ≥ 0.55) confirmed it on frame 44.
    assert.deepEqual(started, []);
    assert.equal(tracker.tracks.length, 1, 'it is still followed, as a tentative track');
  });

  it('confirms a person standing still who scores as one all along', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const started: number[] = [];
    for (let frame = 0; frame < 5; frame++) {
      const update = tracker.update(
        [detection('person', 0.4, 0.2, 0.05, 0.15, 0.8)],
        START + frame * FRAME_MS,
      );
      if (update.started.length > 0) started.push(frame);
    }
    assert.deepEqual(started, [1]);
  });

  it('keeps a missed person’s track and incident open, but not as an object on the frame', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const walker = (frame: number) => detection('person', 0.1 + 0.01 * frame, 0.2, 0.05, 0.15);
    for (let frame = 0; frame < 5; frame++) tracker.update([walker(frame)], START + frame * FRAME_MS);
    assert.equal(tracker.currentTracks().length, 1);
    const missed = tracker.update([], START + 5 * FRAME_MS);
    assert.deepEqual(missed.ended, []);
    assert.equal(tracker.confirmedTracks().length, 1, 'still alive: it may be found again');
    assert.deepEqual(tracker.currentTracks(), [], 'its box is where the person was, not where they are');
    const [track] = tracker.confirmedTracks();
    tracker.update([walker(6)], START + 6 * FRAME_MS);
    assert.deepEqual(
      tracker.currentTracks().map((t) => t.id),
      [track?.id],
    );
  });

  it('takes a person up again under their id when the detector lost them while they stopped', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const width = 0.04;
    const step = 0.007; // 1.75 box widths a second at 10 fps
    const ids = new Set<string>();
    const started: number[] = [];
    const at = (x: number) => detection('person', x, 0.3, width, 0.12);
    let frame = 0;
    const run = (detections: Detection[]) => {
      const update = tracker.update(detections, START + frame * FRAME_MS);
      if (update.started.length > 0) started.push(frame);
      for (const track of tracker.currentTracks()) ids.add(track.id);
      frame++;
    };
    for (let i = 0; i < 20; i++) run([at(0.2 + step * i)]);
    const stoppedAt = 0.2 + step * 19;
    // Unseen for 1.5 s while standing still: the prediction walks on for a second (1.75 boxes),
    // beyond where the matcher lets a detection be the same track.
    for (let i = 0; i < 15; i++) run([]);
    for (let i = 0; i < 10; i++) run([at(stoppedAt)]);
    assert.deepEqual(started, [1], 'one incident, not a second one where the person stood');
    assert.equal(ids.size, 1);
    assert.equal(tracker.currentTracks().length, 1);
  });
});
