import { join } from 'node:path';
import { after } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import type { RgbImage } from '../../../base/image/rgbImage';
import { InProcessRunner } from '../../../hal/accel/tfjs/inProcessRunner';
import type { ModelRunner } from '../../../hal/accel/types';
import { type FacesConfig, FacesSchema } from '../../../runtime/config/schema/index';
import { FaceAnalyzer } from '../../../runtime/faces/faceAnalyzer';
import { FaceEnroller } from '../../../runtime/faces/faceEnroller';
import { FaceRecognizer } from '../../../runtime/faces/faceRecognizer';
import { FacesService } from '../../../runtime/faces/facesService';
import { FaceGallery, type FaceGalleryOptions } from '../../../runtime/faces/gallery/faceGallery';
import { openStandaloneDatabase, type StandaloneDatabase } from '../../../runtime/faces/galleryDatabase';
import { decodeImage } from '../../../runtime/faces/image/imageCodec';
import { Metrics } from '../../../runtime/metrics/metrics';
import { StoreService } from '../../../runtime/store/storeService';
import { WebServer } from '../../../runtime/web/webServer';
import { memoryLogger } from '../../helpers/memoryLogger';
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

/**
 * A started FacesService on a fresh database, with its routes on a web server that is not
 * listening (use `web.app.inject`); `stop()` stops all three. Without `runner`, the service runs
 * the models in its own worker thread, as the appliance does.
 */
export async function startFacesService(faces: Partial<FacesConfig> = {}, runner?: ModelRunner) {
  const { logger, lines } = memoryLogger();
  const store = new StoreService({
    file: join(tempDir(), 'vigil.db'),
    version: 'test',
    groupCommit: { maxBatch: 64, maxDelayMs: 1 },
    logger,
  });
  const web = new WebServer({
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 65536,
    logger,
    metrics: new Metrics(),
  });
  const service = new FacesService({
    config: Value.Default(FacesSchema, { ...faces }) as FacesConfig,
    store,
    http: web.app,
    logger,
    runner,
  });
  await store.start();
  await service.start();
  const stop = async () => {
    await service.stop();
    await web.stop();
    await store.stop();
  };
  return { service, web, store, lines, stop };
}
