import { performance } from 'node:perf_hooks';
import type { Logger } from '../../../base/logger';
import type { CameraSourceConfig } from '../cameraSourceSchema';
import { FrameDelivery } from '../core/frameDelivery';
import type { CameraSource, CameraSourceOptions, CameraSourceStats, Frame } from '../types';
import { SimScene } from './simScene';

/** The `sim` driver's config section. */
export type SimSourceConfig = Extract<CameraSourceConfig, { driver: 'sim' }>;

/**
 * `sim` driver: a generated scene of people walking past, made in-process with sharp and
 * plain buffer copies (no ffmpeg, no hardware), at detect size and fps. The n-th tick of
 * the frame clock shows scene time n / fps, so runs are repeatable.
 */
export function createSimSource(options: CameraSourceOptions, source: SimSourceConfig): CameraSource {
  return new SimSource(options, source);
}

class SimSource implements CameraSource {
  readonly camera: string;
  readonly driver = 'sim';
  readonly #options: CameraSourceOptions;
  readonly #source: SimSourceConfig;
  readonly #logger: Logger;
  readonly #delivery: FrameDelivery;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: CameraSourceOptions, source: SimSourceConfig) {
    this.camera = options.camera;
    this.#options = options;
    this.#source = source;
    this.#logger = options.logger.child({ driver: 'sim' });
    const { width, height, fps } = options.config.detect;
    this.#delivery = new FrameDelivery({
      width,
      height,
      fps,
      mode: 'latest',
      logger: this.#logger,
      onStatus: options.onStatus,
    });
  }

  frames(): AsyncIterable<Frame> {
    const iterator = this.#delivery.iterate(() => this.stop());
    this.#running ??= this.#start();
    return iterator;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    clearTimeout(this.#timer);
    this.#delivery.end({ discardPending: true });
  }

  stats(): CameraSourceStats {
    return { ...this.#delivery.stats };
  }

  async #start(): Promise<void> {
    const { width, height, fps } = this.#options.config.detect;
    let scene: SimScene;
    try {
      scene = await SimScene.create(width, height, this.#source.people);
    } catch (error) {
      const reason = `cannot build the simulated scene: ${(error as Error).message}`;
      this.#logger.error({ err: error }, reason);
      this.#delivery.offline(reason);
      this.#delivery.end({ discardPending: false });
      return;
    }
    if (this.#stopped) return;
    this.#logger.info({ width, height, fps, people: this.#source.people }, 'simulated camera started');
    this.#schedule(scene, fps, performance.now(), -1);
  }

  /**
   * Ticks on a fixed grid (start + n / fps) so timer drift does not slow the scene down; a
   * late tick renders only the newest due frame.
   */
  #schedule(scene: SimScene, fps: number, startedAt: number, lastTick: number): void {
    const intervalMs = 1000 / fps;
    const nextTick = lastTick + 1;
    const delay = Math.max(0, startedAt + nextTick * intervalMs - performance.now());
    this.#timer = setTimeout(() => {
      if (this.#stopped) return;
      const tick = Math.max(nextTick, Math.floor((performance.now() - startedAt) / intervalMs));
      this.#delivery.offer(scene.frameAt(tick / fps));
      this.#schedule(scene, fps, startedAt, tick);
    }, delay);
  }
}
