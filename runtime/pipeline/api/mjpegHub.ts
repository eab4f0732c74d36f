import type { Writable } from 'node:stream';
import type { Logger } from '../../../base/logger';

/** Separates the JPEGs of `multipart/x-mixed-replace`; never occurs in a part's headers. */
export const MJPEG_BOUNDARY = 'vigilframe';

/**
 * A viewer that has taken nothing for this long while frames kept coming is dropped: its
 * connection is stalled, and a frame kept for it would only be stale.
 */
const STALL_MS = 15_000;

/** One client of a camera's stream. */
interface Viewer {
  sink: Writable;
  annotated: boolean;
  /** When it last took a frame (or joined): how long it has been stalled. */
  lastWriteAt: number;
}

/** A camera's viewers, and which of its two JPEG variants is being encoded now. */
interface CameraViewers {
  viewers: Set<Viewer>;
  encoding: { plain: boolean; annotated: boolean };
}

export interface MjpegHubOptions {
  /** The most viewers a camera's stream serves at once (`cameras.<name>.mjpeg.max_viewers`). */
  maxViewers: (camera: string) => number;
  /** The camera's newest processed frame as JPEG, annotated or plain; null before its first frame. */
  encode: (camera: string, annotated: boolean) => Promise<Buffer | null>;
  logger: Logger;
  now?: () => number;
}

/** What `open` did: the viewer joined (it leaves when its sink closes), or the camera is full. */
export type OpenResult = { kind: 'joined' } | { kind: 'full'; limit: number };

/**
 * Fans each processed frame of a camera out to the viewers of its MJPEG stream. A frame is encoded
 * once per variant (plain, annotated) for all its viewers, and not at all while nobody watches; a
 * frame that comes while the previous one is still being encoded is skipped, so encoding never
 * queues up behind a slow CPU. A viewer whose connection has not taken the last frame yet
 * (`writableNeedDrain`) skips frames rather than have them buffered for it; one stalled for
 * {@link STALL_MS} is dropped.
 */
export class MjpegHub {
  readonly #options: MjpegHubOptions;
  readonly #now: () => number;
  readonly #cameras = new Map<string, CameraViewers>();
  #encoded = 0;

  constructor(options: MjpegHubOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** JPEGs encoded for streams since the start (tests check that viewers share them). */
  get encoded(): number {
    return this.#encoded;
  }

  /** Viewers of `camera` now. */
  viewers(camera: string): number {
    return this.#cameras.get(camera)?.viewers.size ?? 0;
  }

  /**
   * Adds a viewer writing to `sink` until the sink closes (the client went away) or the camera's
   * stream ends; refused when the camera already has its most viewers.
   */
  open(camera: string, sink: Writable, annotated: boolean): OpenResult {
    const limit = this.#options.maxViewers(camera);
    let entry = this.#cameras.get(camera);
    if (entry && entry.viewers.size >= limit) return { kind: 'full', limit };
    if (!entry) {
      entry = { viewers: new Set(), encoding: { plain: false, annotated: false } };
      this.#cameras.set(camera, entry);
    }
    const viewer: Viewer = { sink, annotated, lastWriteAt: this.#now() };
    entry.viewers.add(viewer);
    sink.once('close', () => this.#remove(camera, viewer));
    return { kind: 'joined' };
  }

  /** A new frame of `camera` was processed: encode it for the variants someone is ready for. */
  frame(camera: string): void {
    const entry = this.#cameras.get(camera);
    if (!entry) return;
    const now = this.#now();
    let plain = false;
    let annotated = false;
    for (const viewer of entry.viewers) {
      if (this.#stalled(camera, viewer, now)) continue;
      if (viewer.sink.writableNeedDrain) continue;
      if (viewer.annotated) annotated = true;
      else plain = true;
    }
    if (plain) void this.#encodeAndSend(camera, entry, false);
    if (annotated) void this.#encodeAndSend(camera, entry, true);
  }

  /** The camera stopped: each of its streams ends with the closing boundary. */
  end(camera: string): void {
    const entry = this.#cameras.get(camera);
    if (!entry) return;
    this.#cameras.delete(camera);
    for (const viewer of entry.viewers) endStream(viewer.sink);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const camera of [...this.#cameras.keys()]) this.end(camera);
  }

  /** Drops a viewer that has taken nothing for too long; true when it did. */
  #stalled(camera: string, viewer: Viewer, now: number): boolean {
    if (!viewer.sink.writableNeedDrain || now - viewer.lastWriteAt < STALL_MS) return false;
    this.#options.logger.info(
      { camera, stalled_ms: now - viewer.lastWriteAt },
      'MJPEG viewer dropped: its connection took no frame for too long',
    );
    viewer.sink.destroy();
    return true;
  }

  async #encodeAndSend(camera: string, entry: CameraViewers, annotated: boolean): Promise<void> {
    const variant = annotated ? 'annotated' : 'plain';
    if (entry.encoding[variant]) return;
    entry.encoding[variant] = true;
    let jpeg: Buffer | null;
    try {
      jpeg = await this.#options.encode(camera, annotated);
    } catch (err) {
      this.#options.logger.warn({ err, camera, annotated }, 'MJPEG frame could not be encoded; skipped');
      return;
    } finally {
      entry.encoding[variant] = false;
    }
    if (!jpeg) return;
    this.#encoded += 1;
    const part = framePart(jpeg);
    const now = this.#now();
    // Viewers that joined, left or fell behind while it was encoded are judged now.
    for (const viewer of entry.viewers) {
      if (viewer.annotated !== annotated || viewer.sink.writableNeedDrain || viewer.sink.destroyed) continue;
      viewer.sink.write(part);
      viewer.lastWriteAt = now;
    }
  }

  #remove(camera: string, viewer: Viewer): void {
    const entry = this.#cameras.get(camera);
    if (!entry) return;
    entry.viewers.delete(viewer);
    // An encoding still under way finishes on the old entry and reaches nobody.
    if (entry.viewers.size === 0) this.#cameras.delete(camera);
  }
}

/** One part of the multipart stream: boundary, headers, the JPEG. */
function framePart(jpeg: Buffer): Buffer {
  const head = `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), jpeg, Buffer.from('\r\n', 'latin1')]);
}

function endStream(sink: Writable): void {
  if (sink.destroyed || sink.writableEnded) return;
  sink.end(`--${MJPEG_BOUNDARY}--\r\n`);
}
