import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDetector } from '../../../hal/accel/createDetector';
import type { ObjectDetector } from '../../../hal/accel/types';
import { applyDefaults } from '../../../runtime/config/applyDefaults';
import { type CameraConfig, CameraSchema } from '../../../runtime/config/schema/camera';
import type { EventInput } from '../../../runtime/domain/eventModel';
import type { FacesService } from '../../../runtime/faces/facesService';
import { CameraPipeline } from '../../../runtime/pipeline/cameraPipeline';
import { decodeFrames } from '../../fixtures/decodeFrames';
import { makePersonVideo } from '../../fixtures/personVideo';
import { memoryLogger } from '../../helpers/memoryLogger';
import { tempDir } from '../../helpers/tempDir';
import { sampleCell } from '../faces/faceImages';
import { startFacesService } from '../faces/facesKit';

const FPS = 5;
const { logger: pipelineLogger, lines: pipelineLog } = memoryLogger();

/** Runs one video through a camera pipeline with real object and face models; returns its events. */
async function eventsOf(file: string, detector: ObjectDetector, faces: FacesService): Promise<EventInput[]> {
  const events: EventInput[] = [];
  const pipeline = new CameraPipeline({
    camera: 'door',
    config: applyDefaults(CameraSchema, {
      source: { driver: 'file', path: file },
      detect: { width: 640, height: 360, fps: FPS },
    }) as CameraConfig,
    sourceStats: () => ({ framesReceived: 0, framesSkipped: 0, reconnects: 0 }),
    detector,
    modelInputSize: 512,
    faces,
    publish: (event) => events.push(event),
    logger: pipelineLogger,
  });
  async function* frames() {
    yield* decodeFrames(file, 640, 360, FPS);
  }
  await pipeline.run(frames());
  return events;
}

describe('faces on tracked people in a video', () => {
  const dir = tempDir();
  const { logger } = memoryLogger();
  let faces: FacesService;
  let stopFaces = async () => {};
  const detector = createDetector('default', { type: 'wasm', model: 'centernet' }, { logger });

  before(async () => {
    const started = await startFacesService();
    faces = started.service;
    stopFaces = started.stop;
    await detector.load();
    // Enrolled from the still photo; the video shows the same photo walking, scaled and re-encoded.
    await faces.enroller.enroll({
      name: 'Mallory',
      list: 'blacklist',
      images: [{ input: await sampleCell(1), label: 'mallory.jpg' }],
    });
  });

  after(async () => {
    await detector.close();
    await stopFaces();
  });

  it('a blacklisted person walking by is reported face_blacklisted with the name, on the person track', async () => {
    const video = await makePersonVideo(dir, { photo: await sampleCell(1), name: 'mallory' });
    const events = await eventsOf(video.file, detector, faces);
    const face = events.find((e) => e.type.startsWith('face_'));
    assert.ok(face, `no face event among ${events.map((e) => e.type).join(', ')}`);
    assert.equal(face.type, 'face_blacklisted');
    assert.equal((face.data as { face_name: string }).face_name, 'Mallory');
    const person = events.find((e) => e.type === 'object_detected' && e.label === 'person');
    assert.equal(face.object_id, person?.object_id, 'the face event is not on the person track');
    assert.equal(events.filter((e) => e.type === 'face_blacklisted').length, 1, 'reported more than once');
  });

  it('a stranger is reported face_unknown and kept for review', async () => {
    const video = await makePersonVideo(dir, { photo: await sampleCell(2), name: 'stranger' });
    const events = await eventsOf(video.file, detector, faces);
    const types = events.filter((e) => e.type.startsWith('face_')).map((e) => e.type);
    assert.deepEqual(types, ['face_unknown']);
    const errors = pipelineLog.filter((l) => Number(l.level) >= 50);
    assert.deepEqual(errors, [], 'the pipeline logged errors');
    const kept = faces.gallery.recentUnknown(10);
    assert.equal(kept.length, 1, 'the unknown face was not kept (once)');
    const unknownEvent = events.find((e) => e.type === 'face_unknown');
    assert.equal(kept[0]?.event_id, unknownEvent?.id, 'the kept face does not point at its event');
  });
});
