import type { RgbImage } from '../../base/image/rgbImage';
import type { ObjectDetector } from '../../hal/accel/types';
import type { Detection } from '../../models/types';
import { FairScheduler, type QueueCounts } from './fairScheduler';

/**
 * Runs the detector on one region of a camera's frame. Resolves null when the region was
 * dropped unexamined (the camera's queue overflowed): its area was not searched on this frame.
 * An ObjectDetector is one too (it never drops).
 */
export interface RegionDetector {
  detect(image: RgbImage, options?: { tracked: boolean }): Promise<Detection[] | null>;
}

/**
 * Regions one camera may have waiting for a detector. A camera has one frame in the detector at
 * a time (its next frames wait in its pipeline's read-ahead and the source, which drops older ones
 * beyond that: skipped_fps), and region sizing gives it at most 4
 * regions or the whole frame, so this drops only when something submits faster than it waits.
 */
const QUEUE_LIMIT = 8;

/**
 * One detector shared by the cameras that use it: their regions go through one FairScheduler,
 * round-robin between cameras, tracked objects' regions first within a camera, at most
 * `instances` detector calls at once (one per worker of the detector's pool).
 */
export class DetectorScheduler {
  readonly #scheduler: FairScheduler<RgbImage, Detection[]>;

  constructor(detector: ObjectDetector, instances: number, queueLimit = QUEUE_LIMIT) {
    this.#scheduler = new FairScheduler({
      run: (image) => detector.detect(image),
      concurrency: instances,
      queueLimit,
    });
  }

  /** The RegionDetector a camera's pipeline uses: its regions queue under its own name. */
  forCamera(camera: string): RegionDetector {
    return {
      detect: (image, options) => this.#scheduler.submit(camera, image, options?.tracked ?? false),
    };
  }

  /** A camera's regions waiting, examined and dropped so far. */
  counts(camera: string): QueueCounts {
    return this.#scheduler.counts(camera);
  }

  /** Regions being examined now. */
  running(): number {
    return this.#scheduler.running();
  }

  /** Drops what waits; the detector itself is closed by its owner. */
  close(): void {
    this.#scheduler.close();
  }
}
