import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detection } from '../../../../models/types';
import { trackEvent } from '../../../../runtime/pipeline/pipelineEvents';
import { ObjectTracker } from '../../../../runtime/pipeline/tracking/index';
import { detection, FRAME, type LoggedReport, logUpdate, OBJECTS, rounded, trackById } from './trackingKit';

const START = 1_700_000_000_000;
const FRAME_MS = 200;

describe('ObjectTracker lifecycle', () => {
  it('gives a person walking across one id, reporting started, updated and ended in order', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const log: LoggedReport[] = [];
    for (let frame = 0; frame < 60; frame++) {
      const detections = frame < 25 ? [detection('person', 0.05 + 0.03 * frame, 0.2, 0.1, 0.4, 0.85)] : [];
      logUpdate(log, frame, START + frame * FRAME_MS, tracker.update(detections, START + frame * FRAME_MS));
    }
    const ids = new Set(log.map((entry) => entry.id));
    assert.equal(ids.size, 1);
    const phases = log.map((entry) => `${entry.phase}@${entry.frame}`);
    // Confirmed on the 2nd sighting; movement reported at most once a second (every 5th frame);
    // the last, never reported position once more after it vanished; ended 5 s after the last sighting.
    assert.deepEqual(phases, [
      'started@1',
      'updated@6',
      'updated@11',
      'updated@16',
      'updated@21',
      'updated@26',
      'ended@49',
    ]);
    assert.equal(tracker.tracks.length, 0);
  });

  it('reports the ended object with its last box and the time it ended', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, maxDisappearedSeconds: 1 });
    tracker.update([detection('person', 0.1, 0.1, 0.2, 0.5)], START);
    tracker.update([detection('person', 0.12, 0.1, 0.2, 0.5)], START + 200);
    let ended: readonly { box: number[]; endedAt: number | null; lastSeen: number }[] = [];
    for (let frame = 2; frame <= 6 && ended.length === 0; frame++) {
      ended = tracker.update([], START + frame * 200).ended.map((track) => ({
        box: rounded(track.box),
        endedAt: track.endedAt,
        lastSeen: track.lastSeen,
      }));
    }
    assert.deepEqual(ended, [{ box: [0.12, 0.1, 0.32, 0.6], endedAt: START + 1200, lastSeen: START + 200 }]);
  });

  it('keeps the ids of two people crossing paths', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const walkerA = (frame: number) => detection('person', 0.05 + 0.06 * frame, 0.3, 0.12, 0.4);
    const walkerB = (frame: number) => detection('person', 0.83 - 0.06 * frame, 0.32, 0.12, 0.42);
    let idA = '';
    let idB = '';
    for (let frame = 0; frame < 14; frame++) {
      const a = walkerA(frame);
      const b = walkerB(frame);
      // Alternate the order so list position cannot carry the identity.
      const update = tracker.update(frame % 2 === 0 ? [a, b] : [b, a], START + frame * FRAME_MS);
      if (frame === 1) {
        assert.equal(update.started.length, 2);
        idA = update.started.find((track) => track.box[0] < 0.5)?.id ?? '';
        idB = update.started.find((track) => track.box[0] > 0.5)?.id ?? '';
        assert.notEqual(idA, idB);
      }
      if (frame < 1) continue;
      assert.deepEqual(
        rounded(trackById(tracker.tracks, idA)?.box ?? [0, 0, 0, 0]),
        rounded(a.box),
        `A, frame ${frame}`,
      );
      assert.deepEqual(
        rounded(trackById(tracker.tracks, idB)?.box ?? [0, 0, 0, 0]),
        rounded(b.box),
        `B, frame ${frame}`,
      );
    }
    assert.equal(tracker.tracks.length, 2);
  });

  it('follows a fast mover whose boxes no longer overlap from frame to frame', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const ids = new Set<string>();
    for (let frame = 0; frame < 8; frame++) {
      tracker.update([detection('car', 0.02 + 0.11 * frame, 0.5, 0.1, 0.1)], START + frame * FRAME_MS);
      for (const track of tracker.tracks) ids.add(track.id);
    }
    assert.equal(ids.size, 1);
  });

  it('never starts a one-frame false positive, and forgets it after a second', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const log: LoggedReport[] = [];
    logUpdate(log, 0, START, tracker.update([detection('person', 0.4, 0.2, 0.1, 0.3, 0.95)], START));
    assert.equal(tracker.tracks.length, 1);
    assert.equal(tracker.tracks[0]?.confirmed, false);
    const remaining: number[] = [];
    for (let frame = 1; frame <= 10; frame++) {
      logUpdate(log, frame, START + frame * FRAME_MS, tracker.update([], START + frame * FRAME_MS));
      remaining.push(tracker.tracks.length);
    }
    assert.deepEqual(log, []);
    assert.deepEqual(remaining, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('never starts a track whose median score stays under the threshold', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const log: LoggedReport[] = [];
    const scores = [0.9, 0.6, 0.62, 0.55, 0.95, 0.6, 0.65, 0.58, 0.66, 0.6, 0.9, 0.61];
    for (const [frame, score] of scores.entries()) {
      const update = tracker.update(
        [detection('person', 0.4, 0.2, 0.1, 0.3, score)],
        START + frame * FRAME_MS,
      );
      logUpdate(log, frame, START + frame * FRAME_MS, update);
    }
    for (let frame = scores.length; frame < scores.length + 40; frame++) {
      logUpdate(log, frame, START + frame * FRAME_MS, tracker.update([], START + frame * FRAME_MS));
    }
    assert.deepEqual(log, []);
    assert.equal(tracker.tracks.length, 0);
  });

  it('starts a track on the frame its median score reaches the threshold', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    const startedAt: number[] = [];
    for (const [frame, score] of [0.6, 0.6, 0.9, 0.9, 0.9].entries()) {
      const update = tracker.update(
        [detection('person', 0.4, 0.2, 0.1, 0.3, score)],
        START + frame * FRAME_MS,
      );
      if (update.started.length > 0) startedAt.push(frame);
      if (frame === 3) assert.equal(update.started[0]?.medianScore, 0.75);
    }
    // Medians: 0.6, 0.6, 0.6, then (0.6 + 0.9) / 2 = 0.75 ≥ 0.7.
    assert.deepEqual(startedAt, [3]);
  });

  it('uses each label’s own threshold, and the schema default for labels without a filter', () => {
    const objects = {
      track: ['person', 'dog'],
      required_zones: [],
      filters: { person: { ...OBJECTS.filters.person, threshold: 0.5 } },
    };
    const tracker = new ObjectTracker({ objects: objects as typeof OBJECTS, frame: FRAME });
    const started: string[] = [];
    for (let frame = 0; frame < 4; frame++) {
      const detections: Detection[] = [
        detection('person', 0.1, 0.1, 0.1, 0.3, 0.6),
        detection('dog', 0.6, 0.6, 0.1, 0.1, 0.6),
      ];
      for (const track of tracker.update(detections, START + frame * FRAME_MS).started)
        started.push(track.label);
    }
    // Person: 0.6 ≥ 0.5. Dog: 0.6 < the default threshold 0.7.
    assert.deepEqual(started, ['person']);
  });

  it('ends every confirmed track when asked (camera stopped)', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    for (let frame = 0; frame < 2; frame++) {
      tracker.update(
        [detection('person', 0.1, 0.1, 0.1, 0.3), detection('car', 0.5, 0.5, 0.2, 0.2)],
        START + frame,
      );
    }
    tracker.update(
      [detection('person', 0.1, 0.1, 0.1, 0.3), detection('dog', 0.8, 0.1, 0.1, 0.1)],
      START + 2,
    );
    const ended = tracker.endAll(START + 3);
    assert.deepEqual(ended.map((track) => track.label).sort(), ['car', 'person']);
    assert.deepEqual(
      ended.map((track) => track.endedAt),
      [START + 3, START + 3],
    );
    assert.equal(tracker.tracks.length, 0);
  });

  it('makes Frigate-style ids unless given an id factory', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME });
    tracker.update([detection('person', 0.1, 0.1, 0.1, 0.3)], 1_718_000_000_123);
    assert.match(tracker.tracks[0]?.id ?? '', /^1718000000\.123000-[0-9a-z]{6}$/);
    let next = 0;
    const counted = new ObjectTracker({ objects: OBJECTS, frame: FRAME, newId: () => `front-${++next}` });
    counted.update([detection('person', 0.1, 0.1, 0.1, 0.3), detection('car', 0.6, 0.6, 0.2, 0.2)], START);
    assert.deepEqual(
      counted.tracks.map((track) => [track.id, track.serial]),
      [
        ['front-1', 1],
        ['front-2', 2],
      ],
    );
  });

  it('hands a tracked object straight to trackEvent as a TrackReport', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: FRAME, newId: () => 'obj-1' });
    tracker.update([detection('person', 0.1, 0.1, 0.2, 0.5, 0.8)], START);
    const [track] = tracker.update([detection('person', 0.1, 0.1, 0.2, 0.5, 0.9)], START + 200).started;
    assert.ok(track);
    const event = trackEvent('front', 'new', track, START + 200);
    assert.equal(event.object_id, 'obj-1');
    assert.equal(event.label, 'person');
    assert.equal(event.confidence, 0.9);
    assert.deepEqual(event.box, [0.1, 0.1, 0.3, 0.6]);
    assert.deepEqual(event.zones, []);
    assert.deepEqual(event.data, {
      phase: 'new',
      top_score: 0.8,
      stationary: false,
      entered_zones: [],
      start_time: START,
    });
  });
});
