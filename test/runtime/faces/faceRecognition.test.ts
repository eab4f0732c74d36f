import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { FaceGalleryError } from '../../../runtime/faces/faceErrors';
import { FaceGallery } from '../../../runtime/faces/gallery/faceGallery';
import { openStandaloneDatabase } from '../../../runtime/faces/galleryDatabase';
import { blurred, ceilingWithoutPeople, portrait, sampleCell, transformedCopies } from './faceImages';
import { openTestGallery, rgb, sharedRunner } from './facesKit';

const runner = sharedRunner();

/** The gallery's one-and-only face in an image. */
async function recognizeOne(recognizer: ReturnType<typeof openTestGallery>['recognizer'], image: Buffer) {
  const matches = await recognizer.recognize(await rgb(image));
  assert.equal(matches.length, 1, `expected one usable face, got ${matches.length}`);
  const [match] = matches;
  assert.ok(match);
  return match;
}

describe('enroll, then recognise', () => {
  const kit = openTestGallery(runner);
  const { enroller, recognizer, gallery } = kit;

  test('enrolls a known person and a blacklisted one from one photo each', async () => {
    const alex = await enroller.enroll({
      name: 'Alex',
      images: [{ input: await portrait(0), label: 'alex.png' }],
    });
    assert.equal(alex.created, true);
    assert.deepEqual([alex.person.name, alex.person.list, alex.person.descriptors], ['Alex', 'known', 1]);
    const mallory = await enroller.enroll({
      name: 'Mallory',
      list: 'blacklist',
      images: [{ input: await portrait(4), label: 'mallory.png' }],
    });
    assert.deepEqual([mallory.person.list, mallory.added], ['blacklist', 1]);
    assert.equal(gallery.descriptorCount, 2);
  });

  test('recognises the known person on scaled, shifted, re-lit and re-compressed copies', async () => {
    for (const [how, copy] of Object.entries(await transformedCopies(await portrait(0)))) {
      const match = await recognizeOne(recognizer, copy);
      assert.equal(match.kind, 'known', `${how}: ${match.kind} (score ${match.score})`);
      assert.equal(match.name, 'Alex', how);
      assert.ok(match.score >= 0.6 && match.score <= 1, `${how}: score ${match.score}`);
      assert.equal(match.descriptor.length, 1024);
    }
  });

  test('says blacklisted for the blacklisted person', async () => {
    for (const [how, copy] of Object.entries(await transformedCopies(await portrait(4)))) {
      const match = await recognizeOne(recognizer, copy);
      assert.deepEqual([match.kind, match.name], ['blacklisted', 'Mallory'], `${how} (score ${match.score})`);
    }
  });

  test("says unknown for other people's faces", async () => {
    for (const image of [await portrait(1), await portrait(2), await portrait(3), await sampleCell(1)]) {
      const match = await recognizeOne(recognizer, image);
      assert.equal(match.kind, 'unknown', `score ${match.score} for ${match.name}`);
      assert.equal(match.name, null);
      assert.ok(match.score < 0.6);
    }
  });

  test('a blacklisted match wins over a known one; removing it restores the known match', async () => {
    const copies = await transformedCopies(await portrait(0));
    await enroller.enroll({
      name: 'Impostor',
      list: 'blacklist',
      images: [{ input: copies.darker ?? Buffer.alloc(0), label: 'darker.png' }],
    });
    const match = await recognizeOne(recognizer, await portrait(0));
    assert.deepEqual([match.kind, match.name], ['blacklisted', 'Impostor']);
    await gallery.remove('impostor'); // names compare ignoring case
    const again = await recognizeOne(recognizer, await portrait(0));
    assert.deepEqual([again.kind, again.name], ['known', 'Alex']);
  });

  test('moving a person to the blacklist changes the verdict at once', async () => {
    await gallery.move('Alex', 'blacklist');
    assert.equal((await recognizeOne(recognizer, await portrait(0))).kind, 'blacklisted');
    await gallery.move('Alex', 'known');
    assert.equal((await recognizeOne(recognizer, await portrait(0))).kind, 'known');
  });

  test('more photos of the same person add descriptors; a different list is refused', async () => {
    const more = await enroller.enroll({
      name: 'alex',
      images: [
        { input: (await transformedCopies(await portrait(0))).brighter ?? Buffer.alloc(0), label: 'b.png' },
      ],
    });
    assert.deepEqual([more.created, more.person.name, more.person.descriptors], [false, 'Alex', 2]);
    await assert.rejects(
      enroller.enroll({
        name: 'Alex',
        list: 'blacklist',
        images: [{ input: await portrait(0), label: 'a.png' }],
      }),
      (err: unknown) => err instanceof FaceGalleryError && err.kind === 'conflict' && err.field === 'list',
    );
    assert.equal(gallery.person('Alex')?.descriptors, 2);
  });

  test('reports stage timings', () => {
    const stats = recognizer.stats();
    assert.ok(stats.recognition_speed !== null && stats.detect_ms !== null && stats.embed_ms !== null);
    assert.ok(stats.faces_recognized >= 20);
    console.log(
      `face recognition (wasm): detect ${stats.detect_ms} ms/image, embed ${stats.embed_ms} ms/face, match ${stats.match_ms} ms/face, recognition_speed ${stats.recognition_speed} ms`,
    );
  });
});

describe('enrollment refuses images without a usable face and changes nothing', () => {
  const { enroller, gallery } = openTestGallery(runner);

  async function refused(
    images: Array<{ input: Buffer | string; label: string }>,
    message: RegExp,
    kind: 'invalid' | 'unsupported_media_type' = 'invalid',
  ) {
    await assert.rejects(enroller.enroll({ name: 'Casey', images }), (err: unknown) => {
      assert.ok(err instanceof FaceGalleryError, String(err));
      assert.equal(err.kind, kind);
      assert.equal(err.field, 'image');
      assert.match(err.message, message);
      return true;
    });
    assert.deepEqual(gallery.people(), []);
    assert.equal(gallery.descriptorCount, 0);
  }

  test('no face', async () => {
    await refused(
      [{ input: await ceilingWithoutPeople(), label: 'ceiling.png' }],
      /no face found in ceiling\.png/,
    );
  });

  test('one good and one faceless image: neither is stored', async () => {
    await refused(
      [
        { input: await portrait(1), label: 'good.png' },
        { input: await ceilingWithoutPeople(), label: 'empty.png' },
      ],
      /no face found in empty\.png/,
    );
  });

  test('a face too small, a blurred face, a file that is not there, bytes that are not an image', async () => {
    await refused(
      [{ input: await sampleCell(0), label: 'tiny.png' }],
      /face in tiny\.png is too small \(\d+ px/,
    );
    await refused(
      [{ input: await blurred(await portrait(1), 2.5), label: 'soft.png' }],
      /soft\.png is too blurred/,
    );
    await refused(
      [{ input: '/nonexistent/face.jpg', label: '/nonexistent/face.jpg' }],
      /face\.jpg: no such file/,
    );
    await refused(
      [{ input: Buffer.from('not a picture'), label: 'notes.txt' }],
      /notes\.txt is not a JPEG, PNG or WebP image/,
      'unsupported_media_type',
    );
    await refused(
      [{ input: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), label: 'broken.jpg' }],
      /broken\.jpg could not be read as a JPEG, PNG or WebP image/,
    );
  });

  test('bad names and lists are refused before any image is read', async () => {
    await assert.rejects(
      enroller.enroll({ name: ' ', images: [] }),
      (err: unknown) => err instanceof FaceGalleryError && err.field === 'name',
    );
    await assert.rejects(
      enroller.enroll({ name: 'a/b', images: [] }),
      (err: unknown) => err instanceof FaceGalleryError && err.field === 'name',
    );
    await assert.rejects(
      enroller.enroll({ name: 'Casey', list: 'vip', images: [] }),
      (err: unknown) =>
        err instanceof FaceGalleryError && err.field === 'list' && /known, blacklist/.test(err.message),
    );
  });
});

describe('persistence', () => {
  test('the gallery survives closing and reopening the database', async () => {
    const first = openTestGallery(runner);
    await first.enroller.enroll({ name: 'Alex', images: [{ input: await portrait(0), label: 'a.png' }] });
    await first.enroller.enroll({
      name: 'Mallory',
      list: 'blacklist',
      images: [{ input: await portrait(4), label: 'm.png' }],
    });
    const probe = (await first.recognizer.recognize(await rgb(await portrait(0))))[0];
    first.database.close();

    const reopened = openTestGallery(runner, { file: first.file });
    assert.deepEqual(
      reopened.gallery.people().map((p) => [p.name, p.list, p.descriptors]),
      [
        ['Alex', 'known', 1],
        ['Mallory', 'blacklist', 1],
      ],
    );
    assert.ok(probe);
    const again = reopened.gallery.match(probe.descriptor);
    assert.deepEqual([again.kind, again.name], ['known', 'Alex']);
    assert.ok(Math.abs(again.score - probe.score) < 1e-6, 'descriptors are stored exactly');
    assert.ok(
      reopened.gallery
        .thumbnail('Alex')
        ?.subarray(0, 2)
        .equals(Buffer.from([0xff, 0xd8])),
      'a JPEG thumbnail',
    );
  });

  test('a running gallery sees enrollments another process made (e.g. the CLI)', async () => {
    const running = openTestGallery(runner, { externalCheckMs: 0 });
    const probe = (await running.recognizer.recognize(await rgb(await portrait(0))))[0];
    assert.equal(probe?.kind, 'unknown');
    const cli = openStandaloneDatabase(running.file);
    after(() => cli.close());
    const other = new FaceGallery({ db: cli.db, writer: cli.writer, threshold: 0.6, unknownRetainDays: 7 });
    await other.enroll('Alex', 'known', [
      {
        descriptor: probe?.descriptor ?? new Float32Array(1024),
        thumbnail: null,
        source: 'cli',
        detectionScore: 0.9,
        sharpness: 100,
      },
    ]);
    assert.equal(running.gallery.match(probe?.descriptor ?? new Float32Array(1024)).name, 'Alex');
  });
});

describe('unknown faces', () => {
  // Deleting them by age and size is media retention's job: test/runtime/media/retention*.test.ts.
  test('are kept once per camera and appearance, and listed newest first', async () => {
    const now = Date.UTC(2025, 0, 10);
    const { gallery, recognizer } = openTestGallery(runner, { unknownRetainDays: 7, now: () => now });
    const [stranger] = await recognizer.recognize(await rgb(await portrait(2)));
    const [other] = await recognizer.recognize(await rgb(await portrait(3)));
    assert.ok(stranger && other);
    const face = (match: typeof stranger, seenAt: number, camera = 'porch') => ({
      seenAt,
      camera,
      eventId: `evt-${seenAt}`,
      score: match.score,
      descriptor: match.descriptor,
      crop: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
      quality: { detectionScore: match.detectionScore, sizePx: match.sizePx, sharpness: match.sharpness },
    });
    const day = 86_400_000;
    const old = now - 9 * day;
    assert.ok((await gallery.recordUnknown(face(stranger, old))) !== null);
    assert.ok((await gallery.recordUnknown(face(other, now - day))) !== null);
    assert.equal(
      await gallery.recordUnknown(face(other, now - day + 60_000)),
      null,
      'same face, same camera, a minute later',
    );
    assert.ok(
      (await gallery.recordUnknown(face(other, now - day + 60_000, 'garage'))) !== null,
      'another camera',
    );
    assert.ok((await gallery.recordUnknown(face(stranger, now))) !== null);

    const listed = gallery.recentUnknown(10);
    assert.deepEqual(
      listed.map((f) => [f.seen_at, f.camera]),
      [
        [now, 'porch'],
        [now - day + 60_000, 'garage'],
        [now - day, 'porch'],
        [old, 'porch'],
      ],
    );
    assert.equal(gallery.recentUnknown(10, now - day).length, 3);
    assert.deepEqual(gallery.unknownCrop(listed[0]?.id ?? 0), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  });

  test('are not kept at all with unknown_retain_days 0', async () => {
    const { gallery } = openTestGallery(runner, { unknownRetainDays: 0 });
    const id = await gallery.recordUnknown({
      seenAt: Date.now(),
      camera: 'porch',
      eventId: null,
      score: 0.2,
      descriptor: new Float32Array(1024).fill(1 / 32),
      crop: null,
      quality: { detectionScore: 0.9, sizePx: 60, sharpness: 100 },
    });
    assert.equal(id, null);
    assert.deepEqual(gallery.recentUnknown(10), []);
  });
});
