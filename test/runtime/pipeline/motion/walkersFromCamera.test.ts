import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { annotatedFrames, loadAnnotations } from '../../../../eval/annotations';
import { vtestVideo } from '../../../../eval/footage';
import { createCameraSource } from '../../../../hal/camera/createCameraSource';
import type { Frame } from '../../../../hal/camera/types';
import { MotionDetector } from '../../../../runtime/pipeline/motion/motionDetector';
import type { MotionResult } from '../../../../runtime/pipeline/types';
import { cameraConfig, testSourceOptions } from '../../../hal/camera/fixtures/cameraConfig';

/** The default detect size: motion's working image is its quarter, summed four luma bytes per read. */
const DETECT = { width: 640, height: 360, fps: 10 };
const SECONDS = 12;
/** Frames before the first one checked: the background is learnt from the first. */
const WARM_UP_FRAMES = 10;

/**
 * Real people walking (OpenCV's vtest.avi, annotated for the eval harness) through the `file`
 * camera driver as the appliance reads a camera: yuv420p frames at the detect size, motion on
 * their luma plane only.
 */
describe('motion finds real walkers in yuv420p camera frames', () => {
  test('most annotated people are inside a motion region, and nothing converts the frames to colour', async () => {
    const annotations = loadAnnotations(
      fileURLToPath(new URL('../../../../eval/clips/vtest.json', import.meta.url)),
    );
    const config = cameraConfig({ driver: 'file', path: vtestVideo(), loop: false, realtime: false }, DETECT);
    const source = createCameraSource(testSourceOptions(config).options);
    const detector = new MotionDetector(config.motion, DETECT.width, DETECT.height);
    const results: MotionResult[] = [];
    let converted = false;
    let wordAligned = true;
    for await (const frame of source.frames()) {
      assert.ok(frame.luma, 'a yuv420p frame offers its luma plane');
      wordAligned &&= frame.luma.byteOffset % 4 === 0;
      results.push(detector.detect(watchColour(frame, () => (converted = true))));
      if (results.length === SECONDS * annotations.fps) break;
    }
    await source.stop();
    assert.equal(results.length, SECONDS * annotations.fps, 'the camera delivered every frame');
    assert.equal(converted, false, 'motion read the luma plane only');
    assert.ok(wordAligned, "each frame's luma plane starts on a word boundary (motion's fast path)");

    const sx = DETECT.width / annotations.width;
    const sy = DETECT.height / annotations.height;
    let people = 0;
    let inMotion = 0;
    for (const index of annotatedFrames(annotations)) {
      if (index < WARM_UP_FRAMES || index >= results.length) continue;
      const regions = results[index]?.regions ?? [];
      for (const { box } of annotations.frames[String(index)] ?? []) {
        const cx = ((box[0] + box[2]) / 2) * sx;
        const cy = ((box[1] + box[3]) / 2) * sy;
        people++;
        const inside = regions.some(
          ({ box: [x1, y1, x2, y2] }) =>
            cx >= x1 * DETECT.width &&
            cx <= x2 * DETECT.width &&
            cy >= y1 * DETECT.height &&
            cy <= y2 * DETECT.height,
        );
        if (inside) inMotion++;
      }
    }
    assert.ok(people > 50, `enough annotated people to judge (${people})`);
    // Walkers move (all of them did when this was written: 97 of 97); one standing still a while
    // is the full-frame pass's to find, not motion's.
    assert.ok(inMotion / people >= 0.9, `${inMotion} of ${people} annotated people inside a motion region`);
    // ...in regions around them, not one that takes in the scene (5 % of the frame on average then).
    const checked = results.slice(WARM_UP_FRAMES);
    const covered =
      checked.reduce(
        (sum, r) => sum + r.regions.reduce((a, { box: b }) => a + (b[2] - b[0]) * (b[3] - b[1]), 0),
        0,
      ) / checked.length;
    assert.ok(covered < 0.15, `motion regions cover ${(covered * 100).toFixed(1)} % of the frame on average`);
  });
});

/** The frame as it is, calling `onColour` if anything reads its rgb24 pixels. */
function watchColour(frame: Frame, onColour: () => void): Frame {
  return {
    get data() {
      onColour();
      return frame.data;
    },
    luma: frame.luma,
    width: frame.width,
    height: frame.height,
    format: frame.format,
    timestamp: frame.timestamp,
    seq: frame.seq,
  };
}
