import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FacesConfig } from '../../../runtime/config/schema/index';
import { portrait } from './faceImages';
import { rgb, sharedRunner, startFacesService } from './facesKit';

const runner = sharedRunner();

async function startFaces(faces: Partial<FacesConfig>) {
  const started = await startFacesService(faces, runner);
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
});
