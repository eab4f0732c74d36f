import type { Logger } from '../../../base/logger';
import type { Frame } from '../../../hal/camera/types';
import type { CameraConfig } from '../../config/schema/camera';
import { CameraLiveVideo, type ViewerLimits } from './cameraLiveVideo';
import { liveVideoSource } from './liveVideoArgs';

/**
 * Per viewer: skip to the next keyframe past 1 MiB unsent (seconds of video at a camera's bit
 * rate, so only a viewer that really stalls skips), disconnect past 4 MiB or after 10 s of
 * skipping. Four viewers per camera: each is a socket's worth of copying, and a board's uplink
 * is the real limit.
 */
const DEFAULT_LIMITS: ViewerLimits = {
  maxViewers: 4,
  skipBytes: 1024 * 1024,
  dropBytes: 4 * 1024 * 1024,
  stalledMs: 10_000,
};

export interface LiveVideoStreamsDeps {
  /** `cameras`. */
  cameras: Record<string, CameraConfig>;
  logger: Logger;
  limits?: Partial<ViewerLimits>;
}

/**
 * Every enabled camera's live video, built with the app so that the pipeline's frame tap can
 * feed raw-frame cameras' encoders (`pushFrame`) and the route can serve them.
 */
export class LiveVideoStreams {
  readonly limits: ViewerLimits;
  readonly #streams = new Map<string, CameraLiveVideo>();

  constructor(deps: LiveVideoStreamsDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    const logger = deps.logger.child({ component: 'live-video' });
    for (const [name, camera] of Object.entries(deps.cameras)) {
      const source = liveVideoSource(camera);
      if (source !== undefined)
        this.#streams.set(name, new CameraLiveVideo(name, source, this.limits, logger));
    }
  }

  /** The camera's live video; undefined for a disabled or unknown camera. */
  get(camera: string): CameraLiveVideo | undefined {
    return this.#streams.get(camera);
  }

  /** A processed frame of `camera` (the pipeline's frame tap): costs nothing while nobody watches. */
  pushFrame(camera: string, frame: Frame): void {
    this.#streams.get(camera)?.pushFrame(frame);
  }

  /** Disconnects every viewer and ends every ffmpeg. */
  async close(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((stream) => stream.close()));
  }
}
