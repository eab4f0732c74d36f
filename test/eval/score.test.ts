import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Box } from '../../base/geometry';
import type { ClipAnnotations } from '../../eval/annotations';
import type { PipelineRun } from '../../eval/runPipeline';
import { scoreRun } from '../../eval/score';

const a: Box = [100, 100, 130, 180];
const b: Box = [400, 100, 430, 180];
const clip: ClipAnnotations = {
  clip: 'two',
  source: 'made up',
  width: 768,
  height: 576,
  fps: 10,
  frames: {
    '0': [
      { id: 1, box: a },
      { id: 2, box: b },
    ],
    '5': [
      { id: 1, box: a },
      { id: 2, box: b },
    ],
    '10': [
      { id: 1, box: a },
      { id: 2, box: b },
    ],
  },
  ignore: [],
};

function run(incidents: Record<string, Array<[number, Box]>>, frames = 12): PipelineRun {
  const reported = new Map<number, Box[]>();
  const byId = new Map<string, Map<number, Box>>();
  for (const [id, boxes] of Object.entries(incidents)) {
    byId.set(id, new Map(boxes));
    for (const [frame, box] of boxes) reported.set(frame, [...(reported.get(frame) ?? []), box]);
  }
  return { frames, reported, incidents: byId, detectorCalls: 24, seconds: 2 };
}

describe('scoreRun', () => {
  it('a pipeline that follows one of two people: frame recall 0.5, precision 1, one person of two found', () => {
    const frames = Array.from({ length: 11 }, (_, f) => [f, a] as [number, Box]);
    const s = scoreRun(clip, run({ x: frames }));
    assert.deepEqual(s.perFrame, { truePositives: 3, falseNegatives: 3, falsePositives: 0 });
    assert.deepEqual(s.incidents, {
      total: 1,
      people: 2,
      found: 1,
      personIncidents: 1,
      owners: 1,
      falseIncidents: 0,
      ignoredIncidents: 0,
    });
    assert.equal(s.detectorCallsPerSecond, 12);
    assert.equal(s.framesPerSecond, 6);
  });

  it('a person in two incidents is fragmented; an incident on nobody is false', () => {
    const s = scoreRun(
      clip,
      run({
        x: [
          [0, a],
          [2, a],
        ],
        y: [
          [7, a],
          [10, a],
        ],
        z: [[3, [600, 400, 630, 480]]],
        // After the last annotated frame: not judged.
        late: [[11, [600, 400, 630, 480]]],
      }),
    );
    assert.equal(s.incidents.total, 3);
    assert.equal(s.incidents.found, 1);
    assert.equal(s.incidents.personIncidents, 2);
    assert.equal(s.incidents.falseIncidents, 1);
  });
});
