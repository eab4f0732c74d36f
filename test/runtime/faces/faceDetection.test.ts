import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import { blazefaceAnchors } from '../../../runtime/faces/detection/blazefaceAnchors';
import { FaceDetector } from '../../../runtime/faces/detection/faceDetector';
import { FaceAnalyzer } from '../../../runtime/faces/faceAnalyzer';
import { blurred, ceilingWithoutPeople, imageSize, portrait, sampleCell } from './faceImages';
import { rgb, sharedRunner } from './facesKit';

const runner = sharedRunner();
const detector = new FaceDetector(runner);
const analyzer = new FaceAnalyzer(runner, { minFaceSize: 40 });

describe('blazeface decoding', () => {
  test('anchors follow human: 16×16×2 at stride 16, then 8×8×6 at stride 32', () => {
    const anchors = blazefaceAnchors(256);
    assert.equal(anchors.length, 896 * 2);
    assert.deepEqual([...anchors.slice(0, 6)], [8, 8, 8, 8, 24, 8]);
    assert.deepEqual([...anchors.slice(512 * 2, 512 * 2 + 2)], [16, 16]);
    assert.deepEqual([...anchors.slice(-2)], [240, 240]);
  });

  test('non-max suppression keeps the best of overlapping boxes and respects the limit', () => {
    const boxes = [
      { box: [0, 0, 10, 10] as const, score: 0.7 },
      { box: [1, 1, 11, 11] as const, score: 0.9 },
      { box: [50, 50, 60, 60] as const, score: 0.8 },
      { box: [80, 80, 90, 90] as const, score: 0.75 },
    ];
    assert.deepEqual(
      nonMaxSuppression(boxes, 0.1, 10).map((b) => b.score),
      [0.9, 0.8, 0.75],
    );
    assert.deepEqual(
      nonMaxSuppression(boxes, 0.1, 2).map((b) => b.score),
      [0.9, 0.8],
    );
  });
});

describe('face detection on real photos', () => {
  test('finds exactly one face, in the upper part, in each single-person cell of samples.jpg', async () => {
    for (const cell of [0, 1, 2, 3, 4, 5]) {
      const faces = await detector.detect(await rgb(await sampleCell(cell)));
      assert.equal(faces.length, 1, `cell ${cell}: ${faces.length} faces`);
      const [face] = faces;
      assert.ok(face && face.score >= 0.6, `cell ${cell}: score ${face?.score}`);
      const centerY = (face.box[1] + face.box[3]) / 2;
      assert.ok(centerY < 0.5, `cell ${cell}: a face belongs in the upper half, found at y=${centerY}`);
    }
  });

  test('finds the face of each portrait, filling the middle of the tile', async () => {
    for (const index of [0, 1, 2, 3, 4] as const) {
      const faces = await detector.detect(await rgb(await portrait(index)));
      assert.equal(faces.length, 1, `portrait ${index}`);
      const [face] = faces;
      assert.ok(face && face.sizePx > 80 && face.sizePx < 150, `portrait ${index}: size ${face?.sizePx}`);
      const [x1, y1, x2, y2] = face.box;
      assert.ok(x1 < 0.5 && x2 > 0.5 && y1 < 0.6 && y2 > 0.4, `portrait ${index}: box ${face.box}`);
    }
  });

  test('finds several faces in a group photo', async () => {
    const faces = await detector.detect(await rgb(await sampleCell(7)));
    assert.ok(faces.length >= 2, `${faces.length} faces`);
  });

  test('finds no face where there is nobody: a ceiling, a flat grey frame, noise', async () => {
    const grey = await sharp({ create: { width: 320, height: 480, channels: 3, background: '#7f7f7f' } })
      .png()
      .toBuffer();
    const noise = Buffer.alloc(200 * 300 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const noisy = await sharp(noise, { raw: { width: 200, height: 300, channels: 3 } })
      .png()
      .toBuffer();
    for (const [what, image] of [
      ['ceiling', await ceilingWithoutPeople()],
      ['grey', grey],
      ['noise', noisy],
    ] as const) {
      assert.deepEqual(await detector.detect(await rgb(image)), [], what);
    }
  });

  test('boxes are fractions of the image given, also for tall person-like crops', async () => {
    const photo = await portrait(0);
    const [alone] = await detector.detect(await rgb(photo));
    const tall = await sharp(photo)
      .extend({ top: 40, bottom: 260, left: 10, background: '#202020' })
      .png()
      .toBuffer();
    const size = await imageSize(tall);
    const [inTall] = await detector.detect(await rgb(tall));
    assert.ok(alone && inTall);
    // The face moved by (10, 40) px; blazeface sizes it a little differently when it is smaller in
    // the model input, so compare centres (a few px) and sizes (within 20 %).
    const { width, height } = await imageSize(photo);
    const centre = (box: readonly number[], w: number, h: number, dx = 0, dy = 0) => [
      (((box[0] ?? 0) + (box[2] ?? 0)) / 2) * w + dx,
      (((box[1] ?? 0) + (box[3] ?? 0)) / 2) * h + dy,
    ];
    const [ax, ay] = centre(alone.box, width, height, 10, 40);
    const [tx, ty] = centre(inTall.box, size.width, size.height);
    assert.ok(
      Math.hypot((ax ?? 0) - (tx ?? 0), (ay ?? 0) - (ty ?? 0)) < 6,
      `centre (${tx}, ${ty}) vs (${ax}, ${ay})`,
    );
    assert.ok(Math.abs(inTall.sizePx / alone.sizePx - 1) < 0.2, `size ${inTall.sizePx} vs ${alone.sizePx}`);
  });

  test('flags faces smaller than min_face_size and blurred faces', async () => {
    const [tiny] = await analyzer.detect(await rgb(await sampleCell(0)));
    assert.equal(tiny?.rejected, 'too_small');
    const [sharpFace] = await analyzer.detect(await rgb(await portrait(1)));
    assert.equal(sharpFace?.rejected, null);
    assert.ok((sharpFace?.sharpness ?? 0) > 100, `sharpness ${sharpFace?.sharpness}`);
    const [soft] = await analyzer.detect(await rgb(await blurred(await portrait(1), 2.5)));
    assert.equal(soft?.rejected, 'blurred', `sharpness ${soft?.sharpness}`);
  });
});
