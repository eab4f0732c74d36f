import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedBox } from '../../../../models/types';
import { ObjectTracker } from '../../../../runtime/pipeline/tracking/index';
import { OBJECTS } from './trackingKit';

const START = 1_700_000_000_000;
const FRAME_MS = 100;
const WIDTH = 768;
const HEIGHT = 576;
const WHOLE_FRAME: NormalizedBox[] = [[0, 0, 1, 1]];

/**
 * Real NanoDet detections (frame, score, x1, y1, x2, y2 in pixels of 768 × 576) of a man walking
 * out of vtest.avi at its right edge, 12.8 s to 14.7 s at 10 fps, as the default pipeline's
 * regions saw him (frames 130 and 139 had no detection of him).
 */
const LEAVING: number[][] = [
  [128, 0.76, 579, 221, 608, 306],
  [129, 0.65, 587, 221, 612, 305],
  [131, 0.53, 600, 209, 638, 310],
  [132, 0.53, 615, 222, 643, 309],
  [133, 0.47, 622, 225, 647, 309],
  [134, 0.62, 624, 224, 661, 311],
  [135, 0.56, 627, 227, 674, 311],
  [136, 0.6, 635, 228, 673, 312],
  [137, 0.47, 660, 226, 685, 312],
  [138, 0.54, 661, 229, 698, 311],
  [140, 0.38, 678, 234, 712, 335],
  [141, 0.56, 696, 225, 720, 311],
  [142, 0.7, 694, 233, 738, 313],
  [143, 0.74, 701, 232, 748, 314],
  [144, 0.69, 721, 231, 749, 313],
  [145, 0.57, 729, 230, 753, 312],
  [146, 0.5, 732, 235, 768, 314],
  [147, 0.41, 738, 235, 768, 314],
];
const LAST = 147;

describe('ObjectTracker: an object walking out of the frame', () => {
  it('ends a person who walked out at the edge, though the prediction left the searched frame (vtest.avi)', () => {
    const tracker = new ObjectTracker({
      objects: {
        ...OBJECTS,
        filters: { person: { min_score: 0.35, threshold: 0.55, min_area: 0, max_area: 1e7 } },
      },
      frame: { width: WIDTH, height: HEIGHT },
    });
    const seen = new Map(LEAVING.map(([frame = 0, ...rest]) => [frame, rest]));
    const started: string[] = [];
    let endedAt: number | undefined;
    // Ten seconds after he left; the whole frame is searched on every frame.
    for (let frame = 128; frame <= LAST + 100; frame++) {
      const found = seen.get(frame);
      const detections = found
        ? [
            {
              label: 'person',
              score: found[0] ?? 0,
              box: [
                (found[1] ?? 0) / WIDTH,
                (found[2] ?? 0) / HEIGHT,
                (found[3] ?? 0) / WIDTH,
                (found[4] ?? 0) / HEIGHT,
              ] as NormalizedBox,
            },
          ]
        : [];
      const update = tracker.update(detections, START + frame * FRAME_MS, { searched: WHOLE_FRAME });
      started.push(...update.started.map((track) => track.id));
      if (update.ended.length > 0) endedAt ??= frame;
    }
    assert.equal(started.length, 1, 'one person, one track');
    assert.ok(endedAt !== undefined, 'the track never ended: its prediction ran out of the frame');
    // maxDisappearedSeconds (5 s) after he was last seen, not earlier, not later.
    assert.ok(Math.abs(endedAt - (LAST + 50)) <= 1, `ended on frame ${endedAt}`);
    assert.equal(tracker.tracks.length, 0);
  });
});
