import { performance } from 'node:perf_hooks';
import { yuv420pBytes } from '../../../base/image/yuv420';
import type { Logger } from '../../../base/logger';
import type { CameraSourceStats, CameraStatus, Frame, RawPixelFormat } from '../types';
import { FrameClock } from './frameClock';
import { RateLimiter } from './rateLimiter';
import { yuvFrame } from './yuvFrame';

/**
 * `latest`: a live camera. Frames are thinned to detect.fps and, when the consumer is busy,
 * only the newest one waits (older ones are counted as skipped), so a slow detector never
 * makes the pipeline fall behind real time.
 * `lossless`: a file played as fast as possible. Every frame waits for the consumer and the
 * producer is told to pause instead.
 */
export type DeliveryMode = 'latest' | 'lossless';

/** What a {@link FrameDelivery} needs to know. */
export interface FrameDeliveryOptions {
  width: number;
  height: number;
  fps: number;
  /** What the producer writes; `rgb24` when absent. */
  pixelFormat?: RawPixelFormat;
  mode: DeliveryMode;
  logger: Logger;
  onStatus: (status: CameraStatus) => void;
}

/**
 * The hand-over point between a driver (producer) and `frames()` (consumer): stamps frames
 * with seq and timestamp, limits their rate, drops or holds them, counts them and reports
 * online/offline changes. Every driver uses one, so they all behave the same way.
 */
export class FrameDelivery {
  readonly stats: CameraSourceStats = { framesReceived: 0, framesSkipped: 0, reconnects: 0 };
  readonly frameBytes: number;
  readonly #options: FrameDeliveryOptions;
  readonly #limiter: RateLimiter | undefined;
  readonly #clock = new FrameClock();
  readonly #queue: Frame[] = [];
  readonly #waiters: Array<(result: IteratorResult<Frame>) => void> = [];
  #drainListener: (() => void) | undefined;
  #state: CameraStatus['state'] | undefined;
  #seq = 0;
  #ended = false;
  #iterated = false;

  constructor(options: FrameDeliveryOptions) {
    this.#options = options;
    this.frameBytes =
      options.pixelFormat === 'yuv420p'
        ? yuv420pBytes(options.width, options.height)
        : options.width * options.height * 3;
    this.#limiter = options.mode === 'latest' ? new RateLimiter(options.fps) : undefined;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /**
   * A decoded frame in the producer's pixel format (exactly `frameBytes` long, owned by the
   * delivery from now on).
   * Returns false when the producer should pause until the listener given to `onDrain` runs.
   */
  offer(data: Buffer): boolean {
    if (this.#ended) return false;
    this.stats.framesReceived += 1;
    this.online();
    if (this.#limiter && !this.#limiter.admit(performance.now())) return true;
    const { width, height, pixelFormat } = this.#options;
    const timestamp = this.#clock.next();
    const frame: Frame =
      pixelFormat === 'yuv420p'
        ? yuvFrame(data, width, height, timestamp, this.#seq)
        : { data, width, height, format: 'rgb24', timestamp, seq: this.#seq };
    this.#seq += 1;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter({ value: frame, done: false });
      return true;
    }
    if (this.#options.mode === 'latest') {
      if (this.#queue.length > 0) this.stats.framesSkipped += this.#queue.length;
      this.#queue.length = 0;
      this.#queue.push(frame);
      return true;
    }
    this.#queue.push(frame);
    return false;
  }

  /** Called once the consumer has taken every held frame (lossless mode only). */
  onDrain(listener: (() => void) | undefined): void {
    this.#drainListener = listener;
  }

  /** Reports `online` unless that is already the state. */
  online(): void {
    this.#report({ state: 'online' });
  }

  /** Reports `offline` with a reason unless that is already the state. */
  offline(reason: string): void {
    this.#report({ state: 'offline', reason });
  }

  /** Ends iteration: at once (`discardPending`, on stop) or after the frames already held. */
  end(options: { discardPending: boolean }): void {
    if (this.#ended) return;
    this.#ended = true;
    if (options.discardPending) this.#queue.length = 0;
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  /** The consumer's side; may be called once. `onReturn` runs when the consumer breaks out early. */
  iterate(onReturn: () => Promise<void>): AsyncIterableIterator<Frame> {
    if (this.#iterated) throw new Error('frames() may be iterated only once per camera source');
    this.#iterated = true;
    const iterator: AsyncIterableIterator<Frame> = {
      next: () => this.#next(),
      return: async () => {
        await onReturn();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  #next(): Promise<IteratorResult<Frame>> {
    const frame = this.#queue.shift();
    if (frame) {
      if (this.#queue.length === 0) this.#drainListener?.();
      return Promise.resolve({ value: frame, done: false });
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #report(status: CameraStatus): void {
    if (this.#state === status.state) return;
    this.#state = status.state;
    try {
      this.#options.onStatus(status);
    } catch (error) {
      // A listener's bug must not stop the camera; it is logged and the source carries on.
      this.#options.logger.error({ err: error }, 'camera status listener threw');
    }
  }
}
