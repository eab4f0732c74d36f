import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Box } from '../../base/geometry';
import { incidentMetrics, interpolate, MIN_IOU, matchFrame, precision, recall } from '../../eval/matching';

/** A 30×80 px person standing at x, y (top left). */
const person = (x: number, y = 100): Box => [x, y, x + 30, y + 80];
const shifted = (b: Box, dx: number, dy = 0): Box => [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy];

describe('matchFrame', () => {
  const truth = [person(0), person(100), person(200), person(300)];

  it('a detector that finds half of the people has recall 0.5 and, with no false box, precision 1', () => {
    const counts = matchFrame(truth, [shifted(person(0), 3), shifted(person(200), -2, 4)], []);
    assert.deepEqual(
      { tp: counts.truePositives, fn: counts.falseNegatives, fp: counts.falsePositives },
      { tp: 2, fn: 2, fp: 0 },
    );
    assert.equal(recall(counts), 0.5);
    assert.equal(precision(counts), 1);
  });

  it('a box beside a person, or a second box on the same person, is a false positive', () => {
    const beside = shifted(person(100), 25);
    const counts = matchFrame([person(100)], [person(100), shifted(person(100), 2), beside], []);
    assert.equal(counts.truePositives, 1);
    assert.equal(counts.falsePositives, 2);
    assert.equal(precision(counts)?.toFixed(3), (1 / 3).toFixed(3));
  });

  it('matches at IoU ≥ 0.3, not below', () => {
    // 30 px wide, shifted by 15 px: IoU 15/45 = 0.33; by 17 px: 13/47 = 0.28.
    assert.equal(matchFrame([person(0)], [shifted(person(0), 15)], []).truePositives, 1);
    assert.equal(matchFrame([person(0)], [shifted(person(0), 17)], []).truePositives, 0);
    assert.equal(MIN_IOU, 0.3);
  });

  it('pairs greedily by best overlap, so two people side by side are both found', () => {
    const a = person(100);
    const b = person(125);
    const counts = matchFrame([a, b], [shifted(b, 1), shifted(a, -1)], []);
    assert.deepEqual(counts.pairs.sort(), [
      [0, 1],
      [1, 0],
    ]);
  });

  it('a detection in an ignore region is neither a hit nor a false positive', () => {
    const crowd: Box = [400, 50, 600, 250];
    const counts = matchFrame([person(0)], [person(0), person(450), shifted(person(0), 500, 300)], [crowd]);
    assert.deepEqual([counts.truePositives, counts.falsePositives, counts.falseNegatives], [1, 1, 0]);
  });

  it('nothing annotated and nothing reported has no recall or precision to speak of', () => {
    const counts = matchFrame([], [], []);
    assert.equal(recall(counts), null);
    assert.equal(precision(counts), null);
  });
});

describe('interpolate', () => {
  it('fills the frames between two annotations close enough, not across a long gap', () => {
    const boxes = interpolate(
      new Map<number, Box>([
        [0, [0, 0, 10, 20]],
        [5, [10, 0, 20, 20]],
        [50, [0, 0, 10, 20]],
      ]),
      15,
    );
    assert.deepEqual(boxes.get(2), [4, 0, 14, 20]);
    assert.equal(boxes.has(20), false);
    assert.equal(boxes.size, 7);
  });
});

describe('incidentMetrics', () => {
  const track = (boxes: Array<[number, Box]>) => new Map(boxes);
  const people = new Map([
    [
      1,
      track([
        [0, person(0)],
        [5, person(10)],
        [10, person(20)],
      ]),
    ],
    [
      2,
      track([
        [0, person(300)],
        [5, person(300)],
        [10, person(300)],
      ]),
    ],
    [3, track([[5, person(500)]])],
  ]);
  const annotatedFrameCounts = new Map([
    [1, 3],
    [2, 3],
    [3, 1],
  ]);

  it('counts people found, incidents per found person, and incidents on nobody as false', () => {
    const incidents = new Map([
      // Person 1 in two pieces (a fragmented track).
      ['a', track([[0, person(0)]])],
      ['b', track([[10, person(20)]])],
      // On nobody.
      ['c', track([[5, person(600, 300)]])],
    ]);
    const m = incidentMetrics({ people, annotatedFrameCounts, incidents, ignore: () => [], minFrames: 2 });
    assert.deepEqual(m, {
      people: 2,
      found: 1,
      personIncidents: 2,
      owners: 1,
      falseIncidents: 1,
      ignoredIncidents: 0,
    });
  });

  it('one incident passing over two people finds both but belongs to the one it covered longer', () => {
    const incidents = new Map([
      [
        'a',
        track([
          [0, person(0)],
          [5, person(10)],
          [10, person(300)],
        ]),
      ],
    ]);
    const m = incidentMetrics({ people, annotatedFrameCounts, incidents, ignore: () => [], minFrames: 2 });
    assert.equal(m.found, 2);
    assert.equal(m.owners, 1);
    assert.equal(m.personIncidents / m.owners, 1);
  });

  it('an incident on a person seen too briefly to count is not a false one; one in an ignore region neither', () => {
    const incidents = new Map([
      ['a', track([[5, person(500)]])],
      ['b', track([[5, person(650, 300)]])],
    ]);
    const crowd: Box = [640, 290, 700, 400];
    const m = incidentMetrics({
      people,
      annotatedFrameCounts,
      incidents,
      ignore: () => [crowd],
      minFrames: 2,
    });
    assert.deepEqual(m, {
      people: 2,
      found: 0,
      personIncidents: 1,
      owners: 1,
      falseIncidents: 0,
      ignoredIncidents: 1,
    });
  });
});
