import { join } from 'node:path';
import { after } from 'node:test';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import type { RgbImage } from '../../../hal/accel/types';
import { FaceAnalyzer } from '../../../runtime/faces/faceAnalyzer';
import { FaceEnroller } from '../../../runtime/faces/faceEnroller';
import { FaceRecognizer } from '../../../runtime/faces/faceRecognizer';
import { FaceGallery, type FaceGalleryOptions } from '../../../runtime/faces/gallery/faceGallery';
import { openStandaloneDatabase, type StandaloneDatabase } from '../../../runtime/faces/galleryDatabase';
import { decodeImage } from '../../../runtime/faces/image/imageCodec';
import { tempDir } from '../../helpers/tempDir';

/** One wasm runner for the whole test file (models load once), closed when the file ends. */
export function sharedRunner(): InProcessRunner {
  const runner = new InProcessRunner('wasm');
  after(() => runner.close());
  return runner;
}

/** A gallery with the config's defaults (threshold 0.6, min face 40 px, 7 days) on a fresh database. */
export function openTestGallery(
  runner: InProcessRunner,
  options: Partial<Omit<FaceGalleryOptions, 'db' | 'writer'>> & { file?: string } = {},
) {
  const file = options.file ?? join(tempDir(), 'vigil.db');
  const database: StandaloneDatabase = openStandaloneDatabase(file);
  after(() => database.close());
  const gallery = new FaceGallery({
    db: database.db,
    writer: database.writer,
    threshold: 0.6,
    unknownRetainDays: 7,
    ...options,
  });
  const analyzer = new FaceAnalyzer(runner, { minFaceSize: 40 });
  return {
    file,
    database,
    gallery,
    analyzer,
    enroller: new FaceEnroller(analyzer, gallery),
    recognizer: new FaceRecognizer(analyzer, gallery),
  };
}

/** Decodes test image bytes to RGB. */
export function rgb(bytes: Buffer): Promise<RgbImage> {
  return decodeImage(bytes);
}
