import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ZoneConfig } from '../../../../runtime/config/schema/zones';
import { ObjectTracker, type TrackedObject } from '../../../../runtime/pipeline/tracking/index';
import { detection, FRAME, OBJECTS } from './trackingKit';

const START = 1_700_000_000_000;

describe('ObjectTracker stationary objects', () => {
  it('marks an object stationary after it stays put, and moving again when it leaves', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, stationaryFrames: 5 });
    const reports: string[] = [];
    for (let frame = 0; frame < 14; frame++) {
      // Parked with detector jitter of ±0.002, then drives off from frame 11.
      const jitter = frame % 2 === 0 ? 0.002 : -0.002;
      const x = frame < 11 ? 0.3 + jitter : 0.3 + 0.1 * (frame - 10);
      const update = tracker.update([detection('car', x, 0.4, 0.2, 0.2)], START + frame * 200);
      for (const track of update.started) reports.push(`started@${frame}:${track.stationary}`);
      for (const track of update.updated) reports.push(`updated@${frame}:${track.stationary}`);
    }
    // Moved-or-not is counted from the 2nd sighting, so the 5th motionless frame is frame 5.
    assert.deepEqual(reports, ['started@1:false', 'updated@5:true', 'updated@11:false']);
  });

  it('keeps a stationary object the detector did not look at, and ends it once it looks and misses', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, stationaryFrames: 3 });
    for (let frame = 0; frame < 5; frame++)
      tracker.update([detection('car', 0.1, 0.5, 0.2, 0.2)], START + frame * 200);
    assert.equal(tracker.tracks[0]?.stationary, true);
    const elsewhere = [[0.6, 0, 1, 1] as [number, number, number, number]];
    let frame = 5;
    for (; frame < 100; frame++) {
      const update = tracker.update([], START + frame * 200, { searched: elsewhere });
      assert.deepEqual(update.ended, [], `frame ${frame}`);
    }
    assert.equal(tracker.tracks.length, 1);
    const lookedAt = frame;
    let endedAt = -1;
    for (; frame < 200 && endedAt < 0; frame++) {
      if (tracker.update([], START + frame * 200).ended.length > 0) endedAt = frame;
    }
    // 5 s of looking without seeing it, at 200 ms a frame.
    assert.equal(endedAt, lookedAt + 24);
  });
});

describe('ObjectTracker zones', () => {
  const zones: Record<string, ZoneConfig> = {
    porch: {
      coordinates: [
        [0, 0],
        [0.5, 0],
        [0.5, 1],
        [0, 1],
      ],
      objects: [],
      loitering_seconds: 2,
    },
    driveway: {
      coordinates: [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      objects: ['car'],
      loitering_seconds: 0,
    },
  };

  it('reports zone entry after the inertia frames, loitering after its time, and exit', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, zones });
    const seen: string[] = [];
    const loitering: number[] = [];
    let person: TrackedObject | undefined;
    // Walks left into the porch (its edge is x = 0.5), waits, and walks back out. Feet are the box's
    // bottom centre: 0.6, 0.52, then 0.44 (inside from frame 2) … 0.48 (frame 8), 0.56, 0.6 (out).
    const xs = [0.5, 0.42, 0.34, 0.3, 0.3, 0.3, 0.3, 0.3, 0.38, 0.46, 0.5];
    for (const [frame, x] of xs.entries()) {
      const update = tracker.update([detection('person', x, 0.5, 0.2, 0.4)], START + frame * 500);
      assert.equal(tracker.tracks.length, 1);
      person = tracker.tracks[0];
      loitering.push(person?.loiteringSeconds('porch') ?? -1);
      for (const track of update.updated) {
        seen.push(
          `${frame}:${track.currentZones.join('+')}/${track.enteredZones.join('+')}/${track.loiteringZones.join('+')}`,
        );
      }
    }
    assert.deepEqual(seen, [
      '3://', // moved; 1 s since it was started (frame 1)
      '4:porch/porch/', // 3rd frame in a row inside
      '6:porch/porch/porch', // 2 s since the first frame inside (frame 2)
      '8:porch/porch/porch', // moved; 1 s since the last report
      '10:/porch/', // 2nd frame outside: left, so no longer loitering either
    ]);
    assert.deepEqual(loitering, [0, 0, 0, 0, 1, 1.5, 2, 2.5, 3, 3.5, 0]);
    assert.deepEqual(person?.zones, []);
    assert.deepEqual(person?.enteredZones, ['porch']);
  });

  it('leaves the lists a report already holds unchanged', () => {
    const tracker = new ObjectTracker({
      objects: OBJECTS,
      frame: FRAME,
      zones,
      zoneEnterFrames: 1,
      zoneExitFrames: 1,
    });
    tracker.update([detection('car', 0.1, 0.5, 0.2, 0.2)], START);
    tracker.update([detection('car', 0.1, 0.5, 0.2, 0.2)], START + 200);
    const held = tracker.tracks[0]?.currentZones;
    tracker.update([detection('car', 0.25, 0.5, 0.2, 0.2)], START + 400);
    tracker.update([detection('car', 0.42, 0.5, 0.2, 0.2)], START + 600);
    assert.equal(tracker.tracks.length, 1);
    assert.deepEqual(held, ['porch', 'driveway']);
    assert.deepEqual(tracker.tracks[0]?.currentZones, ['driveway']);
    assert.deepEqual(tracker.tracks[0]?.enteredZones, ['porch', 'driveway']);
  });
});
