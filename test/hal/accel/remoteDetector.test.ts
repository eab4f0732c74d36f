import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDetector } from '../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../hal/accel/types';
import { COCO_LABELS } from '../../../models/cocoLabels';
import { freePort } from '../../helpers/freePort';
import { memoryLogger } from '../../helpers/memoryLogger';
import { detectorContract } from './detectorContract';
import { type DeepstackServer, startDeepstackServer } from './fixtures/deepstackServer';
import { gradientImage, SAMPLE_REGIONS, sampleImage } from './fixtures/images';

let server: DeepstackServer;
before(async () => {
  server = await startDeepstackServer();
});
after(() => server.close());

function remote(timeoutMs = 2000, url = server.url): ObjectDetector {
  const { logger } = memoryLogger();
  return createDetector('gpu', { type: 'remote', url, timeout_ms: timeoutMs }, { logger });
}

detectorContract('remote', () => ({ detector: remote(), labels: COCO_LABELS }), {
  images: async () => [await sampleImage(SAMPLE_REGIONS.seatedWoman), gradientImage(640, 360)],
});

describe('remote detector (DeepStack / CodeProject.AI API)', () => {
  let detector: ObjectDetector;
  before(async () => {
    server.behaviour = 'detect';
    detector = remote(500);
    await detector.load();
  });
  after(() => detector.close());

  it('posts the image as a JPEG in multipart field image, and maps pixel boxes to fractions', async () => {
    server.behaviour = 'detect';
    const detections = await detector.detect(gradientImage(400, 200));
    assert.match(server.lastRequest?.contentType ?? '', /^multipart\/form-data; boundary=/);
    assert.equal(server.lastRequest?.imageWidth, 400);
    assert.equal(server.lastRequest?.imageHeight, 200);
    assert.equal(server.lastRequest?.minConfidence, '0.3');
    // The overlapping second person is merged, the car is under min score, the dog's box is clamped.
    assert.deepEqual(detections, [
      { label: 'person', score: 0.91, box: [0.25, 0.1, 0.75, 0.9] },
      { label: 'dog', score: 0.55, box: [0, 0.5, 0.2, 1] },
    ]);
  });

  const failures = [
    [
      'http500',
      /detector 'gpu' \(remote\): http:\/\/.* answered HTTP 500 Internal Server Error: .*model crashed/,
    ],
    ['badJson', /answered with something that is not JSON \(<html>not an API<\/html>\)/],
    ['failure', /the server reported failure: No module loaded for detection/],
    ['badPrediction', /unusable answer: response field predictions\[0\]\.confidence is not a number/],
    ['hang', /gave no answer within 500 ms — raise detectors\.gpu\.timeout_ms/],
  ] as const;
  for (const [behaviour, message] of failures) {
    it(`a server that answers '${behaviour}' gives a clear error`, async () => {
      server.behaviour = behaviour;
      await assert.rejects(detector.detect(gradientImage(64, 64)), message);
    });
  }

  it('an unreachable server gives a clear error, and load() only warns', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1/vision/detection`;
    const { logger, lines } = memoryLogger();
    const offline = createDetector('gpu', { type: 'remote', url, timeout_ms: 1000 }, { logger });
    await offline.load();
    assert.ok(lines.some((line) => line.level === 40 && /ECONNREFUSED/.test(String(line.err))));
    await assert.rejects(
      offline.detect(gradientImage(64, 64)),
      /cannot be reached \(ECONNREFUSED\) — check detectors\.gpu\.url/,
    );
    await offline.close();
  });

  it('load() rejects a URL that is not http(s)', async () => {
    const { logger } = memoryLogger();
    const bad = createDetector(
      'gpu',
      { type: 'remote', url: 'ftp://box/detect', timeout_ms: 1000 },
      { logger },
    );
    await assert.rejects(bad.load(), /ftp:\/\/box\/detect is not http\(s\) — check detectors\.gpu\.url/);
  });
});
