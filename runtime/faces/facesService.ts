import type { FastifyInstance } from 'fastify';
import type { RgbImage } from '../../base/image/rgbImage';
import type { Logger } from '../../base/logger';
import type { ModelRunner } from '../../hal/accel/types';
import type { FacesConfig } from '../config/schema/index';
import type { Service } from '../lifecycle/service';
import type { StoreService } from '../store/storeService';
import { registerFaceRoutes } from './api/faceRoutes';
import { FaceAnalyzer } from './faceAnalyzer';
import { FaceEnroller } from './faceEnroller';
import { FaceModelRunner } from './faceModelRunner';
import { FaceRecognizer, type RecognitionStats } from './faceRecognizer';
import { FaceGallery } from './gallery/faceGallery';
import { encodeCropJpeg } from './image/imageCodec';
import type { FaceMatch } from './types';
import { warmUpFaceModels } from './warmUp';

export interface FacesServiceDeps {
  /** `faces` from the config. */
  config: FacesConfig;
  /** Started before this service: the gallery lives in its database. */
  store: StoreService;
  /** The web server's app; the face API is registered on it at start, before it listens. */
  http: FastifyInstance;
  logger: Logger;
  /** Runs blazeface and faceres; default: onnxruntime in a worker thread of its own (FaceModelRunner), closed at stop. */
  runner?: ModelRunner;
  /**
   * Load both models at start (default false: at the first recognition, i.e. the first person crop
   * a camera hands in). Until then no face model worker runs: ~50 MB less on an appliance that has
   * not seen anyone (bench:memory); the first face waits for the load (~0.5 s here) once.
   */
  warmUp?: boolean;
}

/** Where a face was seen, for keeping it as unknown. */
export interface SightingContext {
  camera: string | null;
  eventId: string | null;
  seenAt?: number;
}

/**
 * Face recognition as a service: owns the gallery (in the store's database), the recognizer and
 * the enrollment path, and registers the `/api/v1/faces` routes. Old unknown faces are deleted by
 * media retention (`runtime/media/retention`), with clips and snapshots, by age and size.
 * With `faces.enabled: false` the gallery and its API stay available but `recognize` finds nothing.
 */
export class FacesService implements Service {
  readonly name = 'faces';
  readonly #deps: FacesServiceDeps;
  readonly #ownsRunner: boolean;
  readonly #runner: ModelRunner;
  #gallery: FaceGallery | undefined;
  #recognizer: FaceRecognizer | undefined;
  #enroller: FaceEnroller | undefined;
  /** Both face models loaded, from the first recognition on (or from start with `warmUp`). */
  #modelsReady: Promise<void> | undefined;

  constructor(deps: FacesServiceDeps) {
    this.#deps = deps;
    this.#ownsRunner = deps.runner === undefined;
    this.#runner = deps.runner ?? new FaceModelRunner(deps.logger);
  }

  get gallery(): FaceGallery {
    if (!this.#gallery) throw new Error('the faces service is not started');
    return this.#gallery;
  }

  get enroller(): FaceEnroller {
    if (!this.#enroller) throw new Error('the faces service is not started');
    return this.#enroller;
  }

  async start(): Promise<void> {
    const { config, store, http, logger } = this.#deps;
    this.#gallery = new FaceGallery({
      db: store.db,
      writer: store.writer,
      threshold: config.recognition_threshold,
      unknownRetainDays: config.unknown_retain_days,
    });
    const analyzer = new FaceAnalyzer(this.#runner, { minFaceSize: config.min_face_size });
    this.#recognizer = new FaceRecognizer(analyzer, this.#gallery);
    this.#enroller = new FaceEnroller(analyzer, this.#gallery);
    registerFaceRoutes(http, { gallery: this.#gallery, enroller: this.#enroller });
    if (config.enabled && this.#deps.warmUp === true) await this.#loadModels();
    logger.info(
      {
        people: this.#gallery.people().length,
        descriptors: this.#gallery.descriptorCount,
        enabled: config.enabled,
      },
      'face gallery loaded',
    );
  }

  async stop(): Promise<void> {
    if (this.#ownsRunner) await this.#runner.close();
  }

  /**
   * The usable faces in `image` (e.g. a person crop) with who they are; [] when face recognition
   * is disabled. The first call loads the models.
   */
  async recognize(image: RgbImage): Promise<FaceMatch[]> {
    if (!this.#deps.config.enabled || !this.#recognizer) return [];
    await this.#loadModels();
    return this.#recognizer.recognize(image);
  }

  /** Loads both models once, so the first recognition's timings are its own; a failed load is retried next time. */
  #loadModels(): Promise<void> {
    if (!this.#modelsReady) {
      const loading = warmUpFaceModels(this.#runner);
      this.#modelsReady = loading;
      loading.catch(() => {
        if (this.#modelsReady === loading) this.#modelsReady = undefined;
      });
    }
    return this.#modelsReady;
  }

  /** Keeps an unknown face (descriptor and JPEG crop) for review; returns its id, or null when not stored (see `FaceGallery.recordUnknown`). */
  async recordUnknown(image: RgbImage, match: FaceMatch, where: SightingContext): Promise<number | null> {
    if (match.kind !== 'unknown') return null;
    return this.gallery.recordUnknown({
      seenAt: where.seenAt ?? Date.now(),
      camera: where.camera,
      eventId: where.eventId,
      score: match.score,
      descriptor: match.descriptor,
      crop: await encodeCropJpeg(image, match.cropBox),
      quality: { detectionScore: match.detectionScore, sizePx: match.sizePx, sharpness: match.sharpness },
    });
  }

  /** Figures for `/api/v1/stats`: `recognition_speed` is the moving average of one recognition, ms. */
  stats(): { enabled: boolean } & RecognitionStats {
    const stats = this.#recognizer?.stats() ?? emptyStats();
    return { enabled: this.#deps.config.enabled, ...stats };
  }

  health(): Record<string, unknown> {
    return {
      enabled: this.#deps.config.enabled,
      people: this.#gallery?.people().length ?? 0,
      descriptors: this.#gallery?.descriptorCount ?? 0,
      recognition_speed: this.#recognizer?.stats().recognition_speed ?? null,
    };
  }
}

function emptyStats(): RecognitionStats {
  return {
    recognition_speed: null,
    detect_ms: null,
    embed_ms: null,
    match_ms: null,
    images: 0,
    faces_detected: 0,
    faces_rejected: 0,
    faces_recognized: 0,
  };
}
