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

function remote(options: { timeoutMs?: number; url?: string; apiKey?: string } = {}): {
  detector: ObjectDetector;
  lines: Array<Record<string, unknown>>;
} {
  const { logger, lines } = memoryLogger();
  const detector = createDetector(
    'gpu',
    {
      type: 'remote',
      url: options.url ?? server.url,
      timeout_ms: options.timeoutMs ?? 2000,
      retry_seconds: 1,
      ...(options.apiKey ? { api_key: options.apiKey } : {}),
    },
    { logger },
  );
  return { detector, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

detectorContract('remote', () => ({ detector: remote().detector, labels: COCO_LABELS }), {
  images: async () => [await sampleImage(SAMPLE_REGIONS.seatedWoman), gradientImage(640, 360)],
});

describe('remote detector (DeepStack / CodeProject.AI API)', () => {
  it('posts the image as a JPEG in multipart field image, and maps pixel boxes to fractions', async () => {
    server.behaviour = 'detect';
    const { detector } = remote();
    await detector.load();
    const detections = await detector.detect(gradientImage(400, 200));
    assert.match(server.lastRequest?.contentType ?? '', /^multipart\/form-data; boundary=/);
    assert.equal(server.lastRequest?.imageWidth, 400);
    assert.equal(server.lastRequest?.imageHeight, 200);
    assert.equal(server.lastRequest?.minConfidence, '0.3');
    assert.equal(server.lastRequest?.apiKey, null, 'an api_key field without one configured');
    assert.equal(server.lastRequest?.authorization, undefined);
    // The overlapping second person is merged, the car is under min score, the dog's box is clamped.
    assert.deepEqual(detections, [
      { label: 'person', score: 0.91, box: [0.25, 0.1, 0.75, 0.9] },
      { label: 'dog', score: 0.55, box: [0, 0.5, 0.2, 1] },
    ]);
    assert.deepEqual(detector.health?.(), { state: 'ok' });
    await detector.close();
  });

  it('sends the API key as form field api_key, and a user:password in the URL as Basic auth', async () => {
    server.behaviour = 'detect';
    const url = server.url.replace('http://', 'http://vigil:p%40ss@');
    const { detector, lines } = remote({ url, apiKey: 'k3y-s3cret' });
    await detector.load();
    await detector.detect(gradientImage(64, 64));
    assert.equal(server.lastRequest?.apiKey, 'k3y-s3cret');
    assert.equal(server.lastRequest?.authorization, `Basic ${Buffer.from('vigil:p@ss').toString('base64')}`);
    server.behaviour = 'unauthorized';
    await sleep(1100);
    await detector.detect(gradientImage(64, 64));
    const health = detector.health?.();
    assert.equal(health?.state, 'failing');
    assert.match(
      health?.state === 'failing' ? health.error : '',
      /answered HTTP 401 Unauthorized: .*Incorrect api key.* — check detectors\.gpu\.api_key/,
    );
    const logged = JSON.stringify(lines);
    assert.doesNotMatch(logged, /k3y-s3cret|p%40ss|p@ss/, 'a credential in the log');
    assert.match(logged, /http:\/\/\*\*\*@127\.0\.0\.1/, 'the URL is not shown redacted');
    await detector.close();
  });

  const failures = [
    [
      'http500',
      /detector 'gpu' \(remote\): http:\/\/.* answered HTTP 500 Internal Server Error: .*model crashed/,
    ],
    ['badJson', /answered with something that is not JSON \(<html>not an API<\/html>\)/],
    ['failure', /the server reported failure: No module loaded for detection/],
    ['badPrediction', /unusable answer: response field predictions\[0\]\.confidence is not a number/],
    ['huge', /answered with more than 1048576 bytes; refused unread/],
    ['hang', /gave no answer within 500 ms — raise detectors\.gpu\.timeout_ms/],
  ] as const;
  for (const [behaviour, message] of failures) {
    it(`a server that answers '${behaviour}': logged once, health failing, no detections, then recovers`, async () => {
      server.behaviour = 'detect';
      const { detector, lines } = remote({ timeoutMs: 500 });
      await detector.load();
      server.behaviour = behaviour;
      const requestsBefore = server.requests;
      assert.deepEqual(await detector.detect(gradientImage(64, 64)), []);
      const health = detector.health?.();
      assert.equal(health?.state, 'failing');
      assert.match(health?.state === 'failing' ? health.error : '', message);
      // Until the retry is due, frames are answered at once, without a request.
      for (let i = 0; i < 5; i++) assert.deepEqual(await detector.detect(gradientImage(64, 64)), []);
      assert.equal(server.requests - requestsBefore, 1, 'frames were sent during the outage');
      const warnings = lines.filter((l) => l.level === 40);
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(String(warnings[0]?.err), message);

      server.behaviour = 'detect';
      await sleep(1100);
      const detections = await detector.detect(gradientImage(64, 64));
      assert.equal(detections[0]?.label, 'person');
      assert.deepEqual(detector.health?.(), { state: 'ok' });
      const recovered = lines.find((l) => l.msg === 'remote detector answers again');
      assert.equal(recovered?.frames_not_sent, 5);
      await detector.close();
    });
  }

  it('an unreachable server: load() only warns, health says why, detect() sends nothing until the retry', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1/vision/detection`;
    const { detector, lines } = remote({ url, timeoutMs: 1000 });
    await detector.load();
    assert.ok(lines.some((line) => line.level === 40 && /ECONNREFUSED/.test(String(line.err))));
    const health = detector.health?.();
    assert.match(
      health?.state === 'failing' ? health.error : '',
      /cannot be reached \(ECONNREFUSED\) — check detectors\.gpu\.url/,
    );
    assert.deepEqual(await detector.detect(gradientImage(64, 64)), []);
    await detector.close();
  });

  it('load() rejects a URL that is not http(s), without its credentials', async () => {
    const { detector } = remote({ url: 'ftp://me:hunter2@box/detect' });
    await assert.rejects(detector.load(), (err: Error) => {
      assert.match(err.message, /ftp:\/\/\*\*\*@box\/detect is not http\(s\) — check detectors\.gpu\.url/);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
  });
});
