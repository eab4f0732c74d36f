import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../../base/clock';
import type { Logger } from '../../base/logger';
import type { Frame } from '../../hal/camera/types';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { EventTopics } from '../events/eventTopics';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import type { StoreService } from '../store/storeService';
import type { ClockJump, ClockWatch } from '../system/clockWatch';
import { registerClipRoutes } from './api/clipRoutes';
import { registerSnapshotRoutes } from './api/snapshotRoutes';
import { ClipService } from './clips/clipService';
import { removeInterruptedWrites } from './retention/mediaFiles';
import { MediaRetention } from './retention/mediaRetention';
import { type RetentionSchedule, startRetentionSchedule } from './retention/retentionSchedule';
import type { SnapshotStore } from './snapshots/snapshotStore';

export interface MediaServiceDeps {
  config: Config;
  store: StoreService;
  bus: Bus<EventTopics>;
  http: FastifyInstance;
  logger: Logger;
  metrics: Metrics;
  /** The pipeline writes object snapshots through it; the routes read the latest per camera. */
  snapshots: SnapshotStore;
  /** Retention ages media by this clock; its jumps move the media registered before them. */
  clock?: ClockWatch;
}

/** data_dir as an absolute path (the demo's is relative), and the ring directory inside or beside it. */
function mediaDirs(config: Pick<Config, 'data_dir' | 'storage'>): {
  dataDir: string;
  ringDir: string;
} {
  const dataDir = resolve(config.data_dir);
  return { dataDir, ringDir: resolve(dataDir, config.storage.ring_dir) };
}

/**
 * Incident clips (the recording ring), snapshot and clip downloads, and media retention (on
 * `retention.schedule`, and whenever free space falls below `retention.min_free_mb`). Started
 * after the event processor, so the `system` events it raises are stored, and before the
 * pipeline, whose raw frames it encodes for cameras without their own stream.
 */
export class MediaService implements Service {
  readonly name = 'media';
  readonly #deps: MediaServiceDeps;
  readonly #dirs: { dataDir: string; ringDir: string };
  #clips: ClipService | undefined;
  #retention: MediaRetention | undefined;
  #schedule: RetentionSchedule | undefined;

  /** Monotonic time at construction: media registered since were stamped on this process's clock. */
  readonly #since: number;

  constructor(deps: MediaServiceDeps) {
    this.#deps = deps;
    this.#dirs = mediaDirs(deps.config);
    this.#since = deps.clock?.clock.monotonic() ?? 0;
    deps.clock?.onJump((jump) => void this.#clockJumped(jump));
    // Ranged, ETag'd file replies rooted at data_dir; nothing is served by path, only by the routes.
    void deps.http.register(fastifyStatic, { root: this.#dirs.dataDir, serve: false });
  }

  async start(): Promise<void> {
    const { config, store, bus, http, logger, metrics, snapshots } = this.#deps;
    const { dataDir, ringDir } = this.#dirs;
    registerSnapshotRoutes(http, { db: store.db, snapshots });
    registerClipRoutes(http, { db: store.db, dataDir });
    try {
      mkdirSync(ringDir, { recursive: true });
    } catch (err) {
      throw new Error(
        `cannot create the recording ring ${ringDir} (${(err as NodeJS.ErrnoException).code}) — check storage.ring_dir and that the vigil user may write there`,
        { cause: err },
      );
    }
    // Before any writer of this process starts: a `.part` now is what a crash or power cut left.
    const leftovers = await removeInterruptedWrites(dataDir);
    if (leftovers.length > 0)
      logger.warn(
        { count: leftovers.length, files: leftovers.slice(0, 20) },
        'removed unfinished media files an interrupted run left (*.part)',
      );
    this.#clips = new ClipService({
      config,
      db: store.db,
      writer: store.writer,
      bus,
      logger: logger.child({ part: 'clips' }),
      metrics,
      dataDir,
      ringDir,
    });
    await this.#clips.start();
    // One per process: it registers its metrics.
    this.#retention ??= new MediaRetention({
      db: store.db,
      writer: store.writer,
      dataDir,
      config,
      logger: logger.child({ part: 'retention' }),
      metrics,
    });
    const clock = this.#deps.clock?.clock ?? systemClock;
    this.#schedule = startRetentionSchedule({
      retention: this.#retention,
      cron: config.retention.schedule,
      timezone: config.device.timezone,
      logger: logger.child({ part: 'retention' }),
      now: () => clock.now(),
    });
  }

  async #clockJumped(jump: ClockJump): Promise<void> {
    const retention = this.#retention;
    if (!retention) return;
    try {
      const from = jump.offsetBefore + this.#since;
      const moved = await retention.moveWithClock(from, jump.offsetBefore + jump.seenAt, jump.deltaMs);
      if (moved > 0) this.#deps.logger.info({ media: moved }, 'media ages moved with the clock jump');
    } catch (err) {
      this.#deps.logger.error({ err }, 'could not move the media ages with the clock jump');
    }
  }

  async stop(): Promise<void> {
    await this.#schedule?.stop();
    await this.#retention?.close();
    await this.#clips?.stop();
    this.#schedule = undefined;
    this.#clips = undefined;
  }

  /** Every decoded frame of every camera; the ring encodes those of raw-frame cameras. */
  pushFrame(camera: string, frame: Frame): void {
    this.#clips?.pushFrame(camera, frame);
  }

  health(): Record<string, unknown> {
    return { recording: this.#clips?.health() ?? {}, snapshots: this.#deps.snapshots.stats() };
  }
}
