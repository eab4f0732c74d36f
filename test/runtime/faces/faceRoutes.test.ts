import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { registerFaceRoutes } from '../../../runtime/faces/api/faceRoutes';
import { Metrics } from '../../../runtime/metrics/metrics';
import { WebServer } from '../../../runtime/web/webServer';
import { memoryLogger } from '../../helpers/memoryLogger';
import { ceilingWithoutPeople, portrait } from './faceImages';
import { openTestGallery, rgb, sharedRunner } from './facesKit';
import { gifImage, hugePng, SVG_BOMB, tiffImage } from './imageBombs';

const runner = sharedRunner();

// biome-ignore lint/suspicious/noExplicitAny: the tests read response bodies field by field; their shape is what is asserted.
type JsonBody = any;

describe('face API', () => {
  const { gallery, enroller, recognizer } = openTestGallery(runner);
  const server = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 64 * 1024,
    logger: memoryLogger().logger,
    metrics: new Metrics(),
  });
  registerFaceRoutes(server.app, { gallery, enroller });
  after(() => server.stop());

  let alexPhoto = '';
  before(async () => {
    alexPhoto = (await portrait(0)).toString('base64');
  });

  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<{ status: number; body: JsonBody; type: string | undefined }> {
    const response = await server.app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    const type = response.headers['content-type']?.toString();
    return {
      status: response.statusCode,
      body: type?.startsWith('application/json') ? response.json() : response.rawPayload,
      type,
    };
  }

  /** What the database holds, to show that a refused request changed nothing. */
  const snapshot = () => JSON.stringify({ people: gallery.people(), descriptors: gallery.descriptorCount });

  test('lists nobody at first', async () => {
    assert.deepEqual(await call('GET', '/api/v1/faces'), {
      status: 200,
      body: { people: [] },
      type: 'application/json; charset=utf-8',
    });
  });

  test('enrolls from a base64 photo (201) and lists the person with a thumbnail', async () => {
    const enrolled = await call('POST', '/api/v1/faces', { name: 'Alex', image: alexPhoto });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    assert.equal(enrolled.body.person.name, 'Alex');
    assert.equal(enrolled.body.person.list, 'known');
    assert.equal(enrolled.body.created, true);
    assert.equal(enrolled.body.faces.length, 1);

    const mallory = await call('POST', '/api/v1/faces', {
      name: 'Mallory',
      list: 'blacklist',
      image: `data:image/png;base64,${(await portrait(4)).toString('base64')}`,
    });
    assert.equal(mallory.status, 201, JSON.stringify(mallory.body));

    const listed = await call('GET', '/api/v1/faces');
    assert.deepEqual(
      listed.body.people.map((p: Record<string, unknown>) => [p.name, p.list, p.descriptors]),
      [
        ['Alex', 'known', 1],
        ['Mallory', 'blacklist', 1],
      ],
    );
    const thumbnail = await call('GET', listed.body.people[0].thumbnail_url);
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.type, 'image/jpeg');
  });

  test('refuses bad bodies with 400 naming the field, and changes nothing', async () => {
    const before = snapshot();
    // A JPEG by its first bytes, and nothing after them.
    const notAnImage = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('just some text, not a picture'),
    ]).toString('base64');
    const cases: Array<[string, object, string, RegExp?]> = [
      ['missing name', { image: alexPhoto }, 'name'],
      ['blank name', { name: '   ', image: alexPhoto }, 'name', /required/],
      ['name with a slash', { name: 'a/b', image: alexPhoto }, 'name', /may only hold/],
      ['missing image', { name: 'Casey' }, 'image'],
      ['bad base64', { name: 'Casey', image: '%%% not base64 %%%' }, 'image', /base64/],
      [
        'not an image',
        { name: 'Casey', image: notAnImage },
        'image',
        /could not be read as a JPEG, PNG or WebP image/,
      ],
      [
        'no face',
        { name: 'Casey', image: (await ceilingWithoutPeople()).toString('base64') },
        'image',
        /no face found/,
      ],
      ['unknown list', { name: 'Casey', list: 'vip', image: alexPhoto }, 'list'],
      ['unexpected field', { name: 'Casey', image: alexPhoto, age: 30 }, 'age'],
      ['not an object', [1, 2], 'body'],
    ];
    for (const [what, payload, field, message] of cases) {
      const response = await call('POST', '/api/v1/faces', payload);
      assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.field, field, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(typeof response.body.error, 'string');
      if (message) assert.match(response.body.error, message, what);
    }
    assert.equal(snapshot(), before);
  });

  test('refuses other formats (415) and image bombs (400) before decoding them, naming the image', async () => {
    const before = snapshot();
    const refusals: Array<[string, Buffer, number, RegExp]> = [
      ['an SVG bomb', SVG_BOMB, 415, /the uploaded image is not a JPEG, PNG or WebP image/],
      ['a TIFF', await tiffImage(), 415, /not a JPEG, PNG or WebP image/],
      ['a GIF', await gifImage(), 415, /not a JPEG, PNG or WebP image/],
      ['text', Buffer.from('just some text, not a picture'), 415, /not a JPEG, PNG or WebP image/],
      ['a 16000² PNG', hugePng(16_000), 400, /16000×16000 pixels, more than the 40 megapixels accepted/],
    ];
    for (const [what, bytes, status, message] of refusals) {
      const started = performance.now();
      const response = await call('POST', '/api/v1/faces', {
        name: 'Casey',
        image: bytes.toString('base64'),
      });
      const ms = performance.now() - started;
      assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.field, 'image', what);
      assert.match(response.body.error, message, what);
      assert.ok(ms < 1000, `${what} took ${Math.round(ms)} ms`);
    }
    assert.equal(snapshot(), before);
    const jpeg = await sharp(await portrait(2))
      .jpeg()
      .toBuffer();
    const enrolled = await call('POST', '/api/v1/faces', { name: 'Jordan', image: jpeg.toString('base64') });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    assert.ok(gallery.people().some((p) => p.name === 'Jordan'));
    // Jordan is someone the later tests do not know.
    assert.equal((await call('DELETE', '/api/v1/faces/Jordan')).status, 200);
    assert.equal(snapshot(), before);
  });

  test('refuses to enroll someone on the other list (409) without changing anything', async () => {
    const before = snapshot();
    const response = await call('POST', '/api/v1/faces', {
      name: 'alex',
      list: 'blacklist',
      image: alexPhoto,
    });
    assert.equal(response.status, 409);
    assert.equal(response.body.field, 'list');
    assert.equal(snapshot(), before);
  });

  test('moves a person between lists with PATCH or POST …/list, and recognition follows', async () => {
    const moved = await call('PATCH', '/api/v1/faces/Alex', { list: 'blacklist' });
    assert.deepEqual([moved.status, moved.body.list], [200, 'blacklist']);
    const [match] = await recognizer.recognize(await rgb(await portrait(0)));
    assert.deepEqual([match?.kind, match?.name], ['blacklisted', 'Alex']);
    const back = await call('POST', '/api/v1/faces/alex/list', { list: 'known' });
    assert.deepEqual([back.status, back.body.name, back.body.list], [200, 'Alex', 'known']);

    const before = snapshot();
    const badList = await call('PATCH', '/api/v1/faces/Alex', { list: 'vip' });
    assert.deepEqual([badList.status, badList.body.field], [400, 'list']);
    const nobody = await call('POST', '/api/v1/faces/Nobody/list', { list: 'known' });
    assert.deepEqual([nobody.status, nobody.body.field], [404, 'name']);
    assert.equal(snapshot(), before);
  });

  test('deletes a person; deleting again is a 404', async () => {
    const removed = await call('DELETE', '/api/v1/faces/Mallory');
    assert.deepEqual([removed.status, removed.body.removed.name], [200, 'Mallory']);
    assert.deepEqual(
      (await call('GET', '/api/v1/faces')).body.people.map((p: { name: string }) => p.name),
      ['Alex'],
    );
    const again = await call('DELETE', '/api/v1/faces/Mallory');
    assert.deepEqual([again.status, again.body.field], [404, 'name']);
  });

  test('lists recent unknown faces with their crops', async () => {
    const [stranger] = await recognizer.recognize(await rgb(await portrait(2)));
    assert.equal(stranger?.kind, 'unknown');
    const id = await gallery.recordUnknown({
      seenAt: Date.now(),
      camera: 'porch',
      eventId: 'evt-1',
      score: stranger?.score ?? 0,
      descriptor: stranger?.descriptor ?? new Float32Array(1024),
      crop: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
      quality: { detectionScore: 0.9, sizePx: 80, sharpness: 100 },
    });
    const listed = await call('GET', '/api/v1/faces/unknown?limit=5');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.faces.length, 1);
    assert.deepEqual(
      [listed.body.faces[0].id, listed.body.faces[0].camera, listed.body.faces[0].event_id],
      [id, 'porch', 'evt-1'],
    );
    const crop = await call('GET', listed.body.faces[0].crop_url);
    assert.deepEqual([crop.status, crop.type], [200, 'image/jpeg']);
    const missing = await call('GET', '/api/v1/faces/unknown/999/crop.jpg');
    assert.equal(missing.status, 404);
    const badLimit = await call('GET', '/api/v1/faces/unknown?limit=0');
    assert.deepEqual([badLimit.status, badLimit.body.field], [400, 'limit']);
  });

  test('enrolls an unknown face as it was recognised, from its own descriptor, however small its crop', async () => {
    const image = await rgb(await portrait(4));
    const [stranger] = await recognizer.recognize(image);
    assert.equal(stranger?.kind, 'unknown');
    assert.ok(stranger);
    // A crop far too small to find a face in again: enrolling must not depend on finding it.
    const tinyCrop = await sharp(await portrait(4))
      .resize(12, 12)
      .jpeg()
      .toBuffer();
    const id = await gallery.recordUnknown({
      seenAt: Date.UTC(2026, 11, 7, 21, 30),
      camera: 'porch',
      eventId: 'evt-2',
      score: stranger.score,
      descriptor: stranger.descriptor,
      crop: tinyCrop,
      quality: {
        detectionScore: stranger.detectionScore,
        sizePx: stranger.sizePx,
        sharpness: stranger.sharpness,
      },
    });
    assert.ok(id !== null);

    const before = snapshot();
    const badName = await call('POST', `/api/v1/faces/unknown/${id}/enroll`, { name: '../etc' });
    assert.deepEqual([badName.status, badName.body.field], [400, 'name']);
    const missing = await call('POST', '/api/v1/faces/unknown/99999/enroll', { name: 'Sam' });
    assert.deepEqual([missing.status, missing.body.field], [404, 'id']);
    const extra = await call('POST', `/api/v1/faces/unknown/${id}/enroll`, { name: 'Sam', image: 'x' });
    assert.equal(extra.status, 400);
    assert.equal(snapshot(), before, 'a refused request changed the gallery');

    const enrolled = await call('POST', `/api/v1/faces/unknown/${id}/enroll`, {
      name: 'Sam',
      list: 'blacklist',
    });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    assert.deepEqual(
      [enrolled.body.person.name, enrolled.body.person.list, enrolled.body.created, enrolled.body.added],
      ['Sam', 'blacklist', true, 1],
    );
    assert.equal(enrolled.body.faces[0].size_px, Math.round(stranger.sizePx));
    const thumbnail = await call('GET', '/api/v1/faces/Sam/thumbnail.jpg');
    assert.deepEqual(thumbnail.body, tinyCrop, 'the crop seen is the thumbnail');

    const [again] = await recognizer.recognize(image);
    assert.deepEqual([again?.kind, again?.name], ['blacklisted', 'Sam']);
  });
});
