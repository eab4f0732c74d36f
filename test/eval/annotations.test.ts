import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  annotatedFrames,
  type ClipAnnotations,
  ignoredOn,
  loadAnnotations,
  transformAnnotations,
} from '../../eval/annotations';
import { tempDir } from '../helpers/tempDir';

const clip: ClipAnnotations = {
  clip: 'test',
  source: 'made up',
  width: 768,
  height: 576,
  fps: 10,
  frames: { '10': [{ id: 1, box: [100, 200, 130, 280] }], '5': [] },
  ignore: [{ box: [0, 0, 50, 50], first: 5, last: 5 }, { box: [700, 500, 768, 576] }],
};

describe('transformAnnotations', () => {
  it('moves every box with the pixels when the clip is scaled 0.75× and mirrored', () => {
    const hard = transformAnnotations(clip, 'hard', { scale: 0.75, mirror: true });
    assert.equal(hard.width, 576);
    assert.equal(hard.height, 432);
    // x: 100..130 → 75..97.5 → mirrored in 576: 478.5..501.
    assert.deepEqual(hard.frames['10']?.[0], { id: 1, box: [478.5, 150, 501, 210] });
    assert.deepEqual(hard.ignore[1]?.box, [0, 375, 51, 432]);
  });

  it('without mirroring only scales', () => {
    const small = transformAnnotations(clip, 'small', { scale: 0.5, mirror: false });
    assert.deepEqual(small.frames['10']?.[0]?.box, [50, 100, 65, 140]);
  });
});

describe('annotation files', () => {
  it('lists annotated frames in order and the ignore regions of each frame', () => {
    assert.deepEqual(annotatedFrames(clip), [5, 10]);
    assert.equal(ignoredOn(clip, 5).length, 2);
    assert.equal(ignoredOn(clip, 10).length, 1);
  });

  it('refuses a box outside the frame, naming the file and the person', () => {
    const dir = tempDir('vigil-eval-annotations-');
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...clip, frames: { '0': [{ id: 7, box: [700, 0, 800, 50] }] } }));
    assert.throws(() => loadAnnotations(path), /bad\.json: frames\["0"\] person 7: bad box/);
  });

  it('the committed vtest annotations load and have people with ids on 2 Hz frames', () => {
    const vtest = loadAnnotations(join(import.meta.dirname, '..', '..', 'eval', 'clips', 'vtest.json'));
    const frames = annotatedFrames(vtest);
    assert.equal(vtest.width, 768);
    assert.ok(frames.length >= 150, `${frames.length} annotated frames`);
    assert.ok(frames.every((f) => f % 5 === 0));
    const ids = new Set(Object.values(vtest.frames).flatMap((people) => people.map((p) => p.id)));
    assert.ok(ids.size >= 20, `${ids.size} distinct people`);
  });
});
