import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ModelInfo, ModelRunner } from '../../../hal/accel/types';
import type { TensorData } from '../../../models/types';
import type { FacesConfig } from '../../../runtime/config/schema/index';
import { FaceAnalyzer } from '../../../runtime/faces/faceAnalyzer';
import { FaceModelRunner } from '../../../runtime/faces/faceModelRunner';
import { memoryLogger } from '../../helpers/memoryLogger';
import { portrait } from './faceImages';
import { rgb, sharedRunner, startFacesService } from './facesKit';

const runner = sharedRunner();

async function startFaces(faces: Partial<FacesConfig>, models: ModelRunner = runner) {
  const started = await startFacesService(faces, models);
  after(started.stop);
  return started;
}

describe('FacesService', () => {
  test('owns the gallery and the routes, recognises, keeps unknown faces and reports stats', async () => {
    const { service, web, lines } = await startFaces({});
    assert.ok(lines.some((l) => l.msg === 'face gallery loaded'));
    const enroll = await web.app.inject({
      method: 'POST',
      url: '/api/v1/faces',
      payload: { name: 'Alex', image: (await portrait(0)).toString('base64') },
    });
    assert.equal(enroll.statusCode, 201, enroll.body);

    const image = await rgb(await portrait(0));
    const [alex] = await service.recognize(image);
    assert.deepEqual([alex?.kind, alex?.name], ['known', 'Alex']);
    assert.equal(service.gallery.identify(Array.from(alex?.descriptor ?? []))?.name, 'Alex');

    const strangerImage = await rgb(await portrait(3));
    const [stranger] = await service.recognize(strangerImage);
    assert.equal(stranger?.kind, 'unknown');
    assert.ok(stranger);
    const id = await service.recordUnknown(strangerImage, stranger, { camera: 'porch', eventId: 'evt-9' });
    assert.ok(id !== null);
    const crop = service.gallery.unknownCrop(id);
    assert.ok(crop?.subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), 'a JPEG crop');
    assert.equal(
      await service.recordUnknown(image, alex ?? stranger, { camera: 'porch', eventId: null }),
      null,
    );

    const stats = service.stats();
    assert.equal(stats.enabled, true);
    assert.ok(stats.recognition_speed !== null && stats.recognition_speed > 0);
    assert.deepEqual(service.health(), {
      enabled: true,
      people: 1,
      descriptors: 1,
      recognition_speed: stats.recognition_speed,
    });
  });

  test('with faces.enabled false the gallery API stays but recognition finds nothing', async () => {
    const { service, web } = await startFaces({ enabled: false });
    assert.deepEqual(await service.recognize(await rgb(await portrait(0))), []);
    assert.equal((await web.app.inject({ method: 'GET', url: '/api/v1/faces' })).statusCode, 200);
    assert.equal(service.stats().recognition_speed, null);
  });

  test('loads no face model until the first recognition, which then finds a blacklisted face', async () => {
    // The appliance's own runner (onnxruntime in a worker), counting what it is asked.
    const models = new FaceModelRunner(memoryLogger().logger);
    after(() => models.close());
    const calls: string[] = [];
    const counting = {
      load(id: string): Promise<ModelInfo> {
        calls.push(`load ${id}`);
        return models.load(id);
      },
      run(id: string, input: TensorData) {
        calls.push(`run ${id}`);
        return models.run(id, input);
      },
      close: () => models.close(),
    };
    const { service } = await startFaces({}, counting);
    // Mallory enrolled on the blacklist as `vigil faces enroll` does it: TensorFlow.js, in process.
    const mallory = await rgb(await portrait(2));
    const analyzer = new FaceAnalyzer(runner, { minFaceSize: 40 });
    const [face] = await analyzer.detect(mallory);
    assert.ok(face);
    const descriptor = await analyzer.embed(mallory, face.cropBox);
    await service.gallery.enroll('Mallory', 'blacklist', [
      { descriptor, thumbnail: null, source: 'test', detectionScore: face.score, sharpness: face.sharpness },
    ]);
    assert.equal(calls.length, 0, 'no model loaded or run before the first person crop');

    const [match] = await service.recognize(mallory);
    assert.deepEqual([match?.kind, match?.name], ['blacklisted', 'Mallory']);
    assert.deepEqual(
      calls.slice(0, 2),
      ['load blazeface', 'load faceres'],
      'both loaded at the first recognition',
    );
    const [again] = await service.recognize(mallory);
    assert.equal(again?.kind, 'blacklisted');
    assert.equal(calls.filter((call) => call.startsWith('load')).length, 2, 'loaded once');
  });
});
