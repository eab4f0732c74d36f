import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbImage } from '../../../../base/image/rgbImage';
import type { Detection } from '../../../../models/types';
import { APPEARANCE_SIZE, measureAppearance } from '../../../../runtime/pipeline/tracking/appearance';
import { ObjectTracker } from '../../../../runtime/pipeline/tracking/index';
import { OBJECTS } from './trackingKit';

const WIDTH = 320;
const HEIGHT = 240;
const START = 1_700_000_000_000;
const RED = [200, 30, 30] as const;
const BLUE = [30, 30, 200] as const;

/** A grey frame with a person-sized block of `colour` at each x (30 × 80 px, top at y = 80). */
function scene(people: readonly { x: number; colour: readonly number[] }[]): RgbImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 3).fill(110);
  for (const { x, colour } of people)
    for (let y = 80; y < 160; y++) for (let px = x; px < x + 30; px++) data.set(colour, (y * WIDTH + px) * 3);
  return { data, width: WIDTH, height: HEIGHT };
}

function person(x: number): Detection {
  return { label: 'person', score: 0.9, box: [x / WIDTH, 80 / HEIGHT, (x + 30) / WIDTH, 160 / HEIGHT] };
}

describe('appearance', () => {
  it('measures the colours of the upper body and the legs of a box', () => {
    const out = new Float64Array(APPEARANCE_SIZE);
    measureAppearance(scene([{ x: 100, colour: RED }]), person(100).box, out, 0);
    assert.deepEqual([...out], [...RED, ...RED]);
  });

  it('gives a lone detection between two people to the one it looks like, not the nearer one', () => {
    const tracker = new ObjectTracker({ objects: OBJECTS, frame: { width: WIDTH, height: HEIGHT } });
    // Standing 60 px apart for a second: the red one on the left.
    const colours = new Map<string, string>();
    for (let n = 0; n < 5; n++) {
      const image = scene([
        { x: 100, colour: RED },
        { x: 160, colour: BLUE },
      ]);
      const update = tracker.update([person(100), person(160)], START + n * 200, { image });
      for (const track of update.started) colours.set(track.id, track.box[0] < 130 / WIDTH ? 'red' : 'blue');
    }
    assert.equal(colours.size, 2);
    // Both step toward each other and the detector sees only the blue one, a little nearer the red
    // one's place: by position alone the red one's id would take it.
    const image = scene([{ x: 128, colour: BLUE }]);
    tracker.update([person(128)], START + 5 * 200, { image });
    const taker = tracker.confirmedTracks().find((track) => Math.round(track.box[0] * WIDTH) === 128);
    assert.equal(colours.get(taker?.id ?? ''), 'blue');
  });
});
