import type { RgbImage } from '../../../base/image/rgbImage';
import type { Logger } from '../../../base/logger';
import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import { redactUrl } from '../../../base/redact';
import type { Detection } from '../../../models/types';
import { InferenceSpeed } from '../inferenceSpeed';
import { assertRgbImage } from '../preprocess/letterbox';
import type { DetectorHealth, ObjectDetector } from '../types';
import type { CandidateFilter } from './candidateFilter';
import { type RemoteEndpoint, requestDetections } from './remoteRequest';

export interface RemoteDetectorOptions {
  /** Detection endpoint, e.g. http://gpu-box:32168/v1/vision/detection (CodeProject.AI). */
  url: string;
  timeoutMs: number;
  /** DeepStack's API key, sent as the multipart field `api_key`. */
  apiKey?: string;
  /** While the server fails, one request is tried this often; the frames in between are not sent. */
  retryMs?: number;
  /** Bound on an answer's size, checked before it is parsed; default 1 MiB. */
  maxResponseBytes?: number;
  filter: CandidateFilter;
  logger: Logger;
}

/** A detection answer is a few hundred bytes per object: 1 MiB is thousands of objects. */
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_RETRY_MS = 5000;

/** A blank image small enough to be cheap, big enough for servers that reject tiny inputs. */
const PROBE_SIZE = 64;

/** Since when and why the server fails, and how many frames went unsent meanwhile. */
interface Outage {
  error: string;
  since: number;
  retryAt: number;
  unsent: number;
}

/**
 * Detection by another machine speaking the DeepStack / CodeProject.AI API (a Coral or Hailo
 * box, a GPU server). A server that fails does not stall the cameras nor flood the log: the
 * failure is logged once, health says `failing` with the latest reason, and until
 * the next retry every frame is answered at once with no detections instead of queueing
 * requests; the first request that succeeds ends it, logged once.
 */
export class RemoteDetector implements ObjectDetector {
  readonly name: string;
  readonly type = 'remote' as const;
  readonly #options: RemoteDetectorOptions;
  readonly #endpoint: RemoteEndpoint;
  readonly #speed = new InferenceSpeed();
  #outage: Outage | null = null;
  /** A retry during an outage is in flight: other cameras' frames do not send their own. */
  #retrying = false;
  #closed = false;

  constructor(name: string, options: RemoteDetectorOptions) {
    this.name = name;
    this.#options = options;
    this.#endpoint = {
      detector: name,
      url: options.url,
      timeoutMs: options.timeoutMs,
      minConfidence: options.filter.minScore,
      apiKey: options.apiKey,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    };
  }

  /**
   * Checks the URL, then sends one blank probe image. A server that does not answer is only
   * reported (log and health): it may come up after us, and it is retried as frames come.
   */
  async load(): Promise<void> {
    let url: URL;
    try {
      url = new URL(this.#options.url);
    } catch {
      throw new Error(
        `detector '${this.name}' (remote): '${redactUrl(this.#options.url)}' is not a URL — check detectors.${this.name}.url`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `detector '${this.name}' (remote): ${redactUrl(url.href)} is not http(s) — check detectors.${this.name}.url`,
      );
    }
    const probe = {
      data: new Uint8Array(PROBE_SIZE * PROBE_SIZE * 3).fill(128),
      width: PROBE_SIZE,
      height: PROBE_SIZE,
    };
    try {
      await requestDetections(this.#endpoint, probe);
      this.#options.logger.info({ url: redactUrl(url.href) }, 'remote detector answers');
    } catch (err) {
      this.#failed(err as Error);
    }
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    if (this.#closed) throw new Error(`detector '${this.name}' (remote) is closed`);
    assertRgbImage(image);
    const outage = this.#outage;
    if (outage && (this.#retrying || Date.now() < outage.retryAt)) {
      outage.unsent++;
      return [];
    }
    this.#retrying = outage !== null;
    let detections: Detection[];
    try {
      detections = await this.#speed.time(() => requestDetections(this.#endpoint, image));
    } catch (err) {
      this.#failed(err as Error);
      return [];
    } finally {
      this.#retrying = false;
    }
    this.#recovered();
    const { minScore, iouThreshold, maxDetections } = this.#options.filter;
    const kept = detections.filter((d) => d.score >= minScore);
    return nonMaxSuppression(kept, iouThreshold).slice(0, maxDetections);
  }

  /** `failing` with the reason while the server does not answer usefully. */
  health(): DetectorHealth {
    const outage = this.#outage;
    if (!outage) return { state: 'ok' };
    return { state: 'failing', error: outage.error, since: new Date(outage.since).toISOString() };
  }

  inferenceSpeedMs(): number | null {
    return this.#speed.averageMs();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #failed(err: Error): void {
    const now = Date.now();
    const retryMs = this.#options.retryMs ?? DEFAULT_RETRY_MS;
    const previous = this.#outage;
    this.#outage = {
      error: err.message,
      since: previous?.since ?? now,
      retryAt: now + retryMs,
      unsent: previous?.unsent ?? 0,
    };
    // Once per outage: its reason may change as it goes (reset, then refused), which health shows.
    if (previous) return;
    this.#options.logger.warn(
      { err: err.message, retry_seconds: retryMs / 1000 },
      'remote detector failing: the cameras detect nothing until it answers again',
    );
  }

  #recovered(): void {
    const outage = this.#outage;
    if (!outage) return;
    this.#outage = null;
    this.#options.logger.info(
      {
        down_seconds: Math.round((Date.now() - outage.since) / 1000),
        frames_not_sent: outage.unsent,
        last_error: outage.error,
      },
      'remote detector answers again',
    );
  }
}
