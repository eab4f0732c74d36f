import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { ObjectDetector } from '../../../hal/accel/types';
import type { Detection } from '../../../models/types';

/** A detector to run the contract against, and what it may call things. */
export interface ContractSubject {
  detector: ObjectDetector;
  /** Every label the detector may return. */
  labels: readonly string[];
}

export interface ContractOptions {
  /** Images to detect on; at least one must yield a detection. Slow detectors pass one. */
  images: () => Promise<RgbImage[]>;
}

/** Checks one detection against the ObjectDetector contract; the message names the detector. */
export function assertWellFormed(detection: Detection, labels: readonly string[], where: string): void {
  assert.ok(labels.includes(detection.label), `${where}: label '${detection.label}' is not in the label set`);
  assert.ok(detection.score >= 0 && detection.score <= 1, `${where}: score ${detection.score} outside 0..1`);
  assert.equal(detection.box.length, 4, `${where}: box has ${detection.box.length} numbers`);
  for (const value of detection.box)
    assert.ok(value >= 0 && value <= 1, `${where}: box ${detection.box} outside 0..1`);
  const [x1, y1, x2, y2] = detection.box;
  assert.ok(x1 < x2 && y1 < y2, `${where}: box ${detection.box} is empty or inverted`);
}

/**
 * The ObjectDetector contract, run against every detector type that can run here
 * (MQTT.js-style abstract suite): load, well-formed detections, speed, bad input, close.
 */
export function detectorContract(
  name: string,
  create: () => ContractSubject | Promise<ContractSubject>,
  options: ContractOptions,
): void {
  describe(`ObjectDetector contract: ${name}`, () => {
    let subject: ContractSubject;

    before(async () => {
      subject = await create();
    });
    after(async () => {
      await subject?.detector.close();
    });

    it('load() resolves, and inferenceSpeedMs() is null before the first detection', async () => {
      await subject.detector.load();
      assert.equal(subject.detector.inferenceSpeedMs(), null);
    });

    it('detect() returns well-formed detections, best first, with no duplicates of one object', async () => {
      let total = 0;
      for (const image of await options.images()) {
        const detections = await subject.detector.detect(image);
        total += detections.length;
        detections.forEach((d, i) => {
          assertWellFormed(d, subject.labels, `${name} ${image.width}x${image.height} #${i}`);
          if (i > 0)
            assert.ok((detections[i - 1]?.score ?? 0) >= d.score, `${name}: detections not sorted by score`);
        });
      }
      assert.ok(total > 0, `${name}: no detections on any contract image`);
    });

    it('inferenceSpeedMs() is a positive number after detecting', () => {
      const speed = subject.detector.inferenceSpeedMs();
      assert.equal(typeof speed, 'number');
      assert.ok((speed ?? 0) > 0, `inference speed ${speed}`);
    });

    it('detect() rejects an image whose buffer does not match its size, naming the sizes', async () => {
      const broken: RgbImage = { data: new Uint8Array(10), width: 4, height: 4 };
      await assert.rejects(subject.detector.detect(broken), /10 bytes.*4×4/);
    });

    it('close() resolves, twice, and detect() afterwards rejects', async () => {
      await subject.detector.close();
      await subject.detector.close();
      const image: RgbImage = { data: new Uint8Array(32 * 32 * 3), width: 32, height: 32 };
      await assert.rejects(subject.detector.detect(image), /closed/);
    });
  });
}
