import sharp from 'sharp';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { Logger } from '../../../base/logger';
import { nonMaxSuppression } from '../../../base/nonMaxSuppression';
import type { Detection } from '../../../models/types';
import { InferenceSpeed } from '../inferenceSpeed';
import { assertRgbImage } from '../preprocess/letterbox';
import type { ObjectDetector } from '../types';
import type { CandidateFilter } from './candidateFilter';
import { parseDeepstackResponse } from './deepstackResponse';

export interface RemoteDetectorOptions {
  /** Detection endpoint, e.g. http://gpu-box:32168/v1/vision/detection (CodeProject.AI). */
  url: string;
  timeoutMs: number;
  filter: CandidateFilter;
  logger: Logger;
}

/** A blank image small enough to be cheap, big enough for servers that reject tiny inputs. */
const PROBE_SIZE = 64;

/**
 * Detection by another machine speaking the DeepStack / CodeProject.AI API: each image is sent
 * as a JPEG in the multipart field `image` (plus `min_confidence`); predictions come back in pixels.
 */
export class RemoteDetector implements ObjectDetector {
  readonly name: string;
  readonly type = 'remote' as const;
  readonly #options: RemoteDetectorOptions;
  readonly #speed = new InferenceSpeed();
  #closed = false;

  constructor(name: string, options: RemoteDetectorOptions) {
    this.name = name;
    this.#options = options;
  }

  /**
   * Checks the URL, then sends one blank probe image. A server that does not answer is only
   * logged: it may come up after us, and every detect() reports its own error.
   */
  async load(): Promise<void> {
    let url: URL;
    try {
      url = new URL(this.#options.url);
    } catch {
      throw new Error(
        `detector '${this.name}' (remote): '${this.#options.url}' is not a URL — check detectors.${this.name}.url`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `detector '${this.name}' (remote): ${url.href} is not http(s) — check detectors.${this.name}.url`,
      );
    }
    const probe = {
      data: new Uint8Array(PROBE_SIZE * PROBE_SIZE * 3).fill(128),
      width: PROBE_SIZE,
      height: PROBE_SIZE,
    };
    try {
      await this.#request(probe);
      this.#options.logger.info({ url: url.href }, 'remote detector answers');
    } catch (err) {
      this.#options.logger.warn({ err: (err as Error).message }, 'remote detector not usable yet');
    }
  }

  async detect(image: RgbImage): Promise<Detection[]> {
    if (this.#closed) throw new Error(`detector '${this.name}' (remote) is closed`);
    assertRgbImage(image);
    const detections = await this.#speed.time(() => this.#request(image));
    const { minScore, iouThreshold, maxDetections } = this.#options.filter;
    const kept = detections.filter((d) => d.score >= minScore);
    return nonMaxSuppression(kept, iouThreshold).slice(0, maxDetections);
  }

  inferenceSpeedMs(): number | null {
    return this.#speed.averageMs();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #request(image: RgbImage): Promise<Detection[]> {
    const { url, timeoutMs, filter } = this.#options;
    const fail = (why: string) => new Error(`detector '${this.name}' (remote): ${url} ${why}`);
    const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'frame.jpg');
    form.append('min_confidence', String(filter.minScore));
    const signal = AbortSignal.timeout(timeoutMs);
    let text: string;
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', body: form, signal });
      text = await response.text();
    } catch (err) {
      if (signal.aborted) {
        throw fail(
          `gave no answer within ${timeoutMs} ms — raise detectors.${this.name}.timeout_ms or check the server`,
        );
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw fail(
        `cannot be reached (${cause?.code ?? cause?.message ?? (err as Error).message}) — check detectors.${this.name}.url`,
      );
    }
    if (!response.ok) {
      throw fail(`answered HTTP ${response.status} ${response.statusText}: ${snippet(text)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw fail(
        `answered with something that is not JSON (${snippet(text)}) — is it a DeepStack/CodeProject.AI detection endpoint?`,
      );
    }
    try {
      return parseDeepstackResponse(body, image.width, image.height);
    } catch (err) {
      throw fail(`gave an unusable answer: ${(err as Error).message}`);
    }
  }
}

/** The start of a response body, on one line, for error messages. */
function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
