import type { Database } from 'better-sqlite3';
import type { Logger } from '../../../base/logger';
import type { Metrics } from '../../metrics/metrics';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';
import { freeBytes } from '../diskSpace';
import { isHeld, loadHeldMedia } from './heldMedia';
import { MediaDeleter } from './mediaDeleter';
import { removeEmptyDayDirs } from './mediaFiles';
import { reconcileMedia } from './mediaReconciler';
import { loadMediaUnits, type MediaGroup, type MediaUnit } from './mediaUnits';
import { type MediaRetentionConfig, type RetentionLimits, retentionLimits } from './retentionLimits';
import { createRetentionMetrics, type RetentionMetrics } from './retentionMetrics';
import type { SweepResult, SweepTrigger } from './retentionTypes';
import { olderThan, oldestCovering, oldestOverCap } from './selection';
import { SweepTally } from './sweepTally';
import { loadUnknownFaces } from './unknownFaces';

/** Bytes an unprivileged process can still write on the file system holding `dir`. */
export type FreeSpace = (dir: string) => number;

export interface MediaRetentionOptions {
  /** Reads (what to delete, what is held). */
  db: Database;
  /** Every deletion from the database goes through it. */
  writer: Pick<GroupCommitWriter, 'write'>;
  dataDir: string;
  config: MediaRetentionConfig;
  logger: Logger;
  metrics: Metrics;
  /** Free bytes of the file system holding a directory; default `statfs` (`runtime/media/diskSpace`). */
  freeSpace?: FreeSpace;
  /** How old a file without a row must be before it counts as an orphan; default 10 minutes. */
  orphanGraceMs?: number;
  /** Units or faces per database write; default 100. */
  batchSize?: number;
}

const GROUPS: ReadonlyArray<{ group: MediaGroup; kind: 'clip' | 'snapshot'; setting: string }> = [
  { group: 'clips', kind: 'clip', setting: 'retention.clips' },
  { group: 'snapshots', kind: 'snapshot', setting: 'retention.snapshots' },
];

const HELD_ADVICE =
  'unprotect incidents no longer needed (POST /api/v1/incidents/:id/unprotect), check that the central server acknowledges events (MQTT sync)';

/**
 * Media retention: one sweep reconciles the `media` table with the files, then deletes by age,
 * by size cap per kind, and down to the free-space floor, oldest first, never touching what
 * belongs to a protected or unsynced incident. Every deletion is counted and logged (see
 * `SweepTally`). Sweeps never overlap: a call while one runs gets that sweep's result.
 */
export class MediaRetention {
  readonly #options: MediaRetentionOptions;
  readonly #limits: RetentionLimits;
  readonly #metrics: RetentionMetrics;
  readonly #freeSpace: FreeSpace;
  readonly #logger: Logger;
  #current: Promise<SweepResult> | undefined;
  #closing = false;

  constructor(options: MediaRetentionOptions) {
    this.#options = options;
    this.#limits = retentionLimits(options.config);
    this.#metrics = createRetentionMetrics(options.metrics, options.db);
    this.#freeSpace = options.freeSpace ?? freeBytes;
    this.#logger = options.logger;
  }

  get limits(): RetentionLimits {
    return this.#limits;
  }

  /**
   * Runs a sweep, or joins the one running (whatever its trigger: every sweep does every step, and
   * the free-space check asks again a minute later if space is still short).
   */
  sweep(now: number, trigger: SweepTrigger): Promise<SweepResult> {
    if (this.#closing) return Promise.reject(new Error('media retention is closed (shutting down)'));
    this.#current ??= this.#run(now, trigger).finally(() => {
      this.#current = undefined;
    });
    return this.#current;
  }

  /** Free bytes on data_dir's file system, or null when it cannot be measured (logged). */
  freeBytes(): number | null {
    try {
      return this.#freeSpace(this.#options.dataDir);
    } catch (err) {
      this.#logger.warn({ err, data_dir: this.#options.dataDir }, 'cannot measure free space of data_dir');
      return null;
    }
  }

  /** True when data_dir's free space is below `retention.min_free_mb`. */
  belowFloor(): boolean {
    const floor = this.#limits.minFreeBytes;
    if (floor === null) return false;
    const free = this.freeBytes();
    return free !== null && free < floor;
  }

  /**
   * Moves the media registered between `from` and `to` (wall stamps on the clock before a jump) by
   * the jump: media recorded after booting at the last saved time (or 1970) are not a year old
   * when NTP sets the clock forwards a year, nor younger than they are after a jump back. Their
   * `created_at` only ages them; file names keep the day they were written under.
   */
  moveWithClock(from: number, to: number, deltaMs: number): Promise<number> {
    return this.#options.writer.write(
      (db) =>
        db
          .prepare('UPDATE media SET created_at = created_at + ? WHERE created_at BETWEEN ? AND ?')
          .run(deltaMs, from, to).changes,
    );
  }

  /** Stops a running sweep at its next batch and waits for it; later sweeps are refused. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#current?.catch(() => {});
  }

  async #run(now: number, trigger: SweepTrigger): Promise<SweepResult> {
    const { db, dataDir, logger, writer, batchSize } = this.#options;
    const tally = new SweepTally(logger, this.#metrics, trigger, now);
    const stopping = () => this.#closing;
    const deleter = new MediaDeleter({ db, writer, dataDir, logger, tally, stopping, batchSize });

    const graceMs = this.#options.orphanGraceMs ?? 10 * 60_000;
    await reconcileMedia({ db, dataDir, deleter, logger, graceMs, now, stopping });
    let units = loadMediaUnits(db);
    units = await this.#deleteByAge(units, deleter, now);
    units = await this.#deleteOverCaps(units, deleter, tally);
    await this.#limitUnknownFaces(deleter, tally, now);
    await this.#keepFreeSpaceFloor(units, deleter, tally);
    await removeEmptyDayDirs(dataDir, now, this.#options.config.device.timezone);

    tally.freeBytes = this.freeBytes();
    if (this.#closing) tally.interrupted();
    return tally.finish();
  }

  async #deleteByAge(units: MediaUnit[], deleter: MediaDeleter, now: number): Promise<MediaUnit[]> {
    const gone = new Set<MediaUnit>();
    for (const { group } of GROUPS) {
      const { maxAgeMs } = this.#limits[group];
      if (maxAgeMs === null) continue;
      const held = loadHeldMedia(this.#options.db);
      const old = olderThan(inGroup(units, group), now - maxAgeMs, (unit) => isHeld(held, unit.owners));
      for (const unit of await deleter.deleteUnits(old, 'age')) gone.add(unit);
    }
    return units.filter((unit) => !gone.has(unit));
  }

  async #deleteOverCaps(units: MediaUnit[], deleter: MediaDeleter, tally: SweepTally): Promise<MediaUnit[]> {
    const gone = new Set<MediaUnit>();
    for (const { group, kind, setting } of GROUPS) {
      const cap = this.#limits[group].maxBytes;
      if (cap === null) continue;
      const mine = inGroup(units, group);
      const held = loadHeldMedia(this.#options.db);
      const plan = oldestOverCap(mine, cap, (unit) => isHeld(held, unit.owners));
      const deleted = await deleter.deleteUnits(plan.picked, 'size');
      for (const unit of deleted) gone.add(unit);
      const left = sumBytes(mine) - sumBytes(deleted);
      if (left > cap && !this.#closing) {
        tally.heldOverLimit(kind);
        this.#logger.warn(
          { kind, bytes: left, cap_bytes: cap, setting: `${setting}.max_gb` },
          `${group} stay over ${setting}.max_gb: what is left belongs to protected or unsynced incidents (or could not be deleted); ${HELD_ADVICE}, or raise ${setting}.max_gb`,
        );
      }
    }
    return units.filter((unit) => !gone.has(unit));
  }

  async #limitUnknownFaces(deleter: MediaDeleter, tally: SweepTally, now: number): Promise<void> {
    const { db } = this.#options;
    const { maxAgeMs, maxBytes } = this.#limits.unknownFaces;
    let held = loadHeldMedia(db);
    const old = olderThan(loadUnknownFaces(db), now - maxAgeMs, (face) => isHeld(held, face.owners));
    await deleter.deleteFaces(old, 'age');
    if (maxBytes === null) return;

    held = loadHeldMedia(db);
    const faces = loadUnknownFaces(db);
    const plan = oldestOverCap(faces, maxBytes, (face) => isHeld(held, face.owners));
    const deleted = await deleter.deleteFaces(plan.picked, 'size');
    if (plan.stillOver || deleted < plan.picked.length) {
      const left = sumBytes(loadUnknownFaces(db));
      if (left > maxBytes && !this.#closing) {
        tally.heldOverLimit('unknown_face');
        this.#logger.warn(
          {
            kind: 'unknown_face',
            bytes: left,
            cap_bytes: maxBytes,
            setting: 'retention.unknown_faces.max_mb',
          },
          `unknown faces stay over retention.unknown_faces.max_mb: what is left belongs to protected or unsynced incidents; ${HELD_ADVICE}, or raise retention.unknown_faces.max_mb`,
        );
      }
    }
  }

  /**
   * Below the floor, the oldest clips and snapshot sets go, oldest first across both (one history
   * horizon: everything before some time is gone, rather than all clips before any snapshot), a
   * batch at a time until free space is back above the floor. Unknown faces are not touched: they
   * live in the database, whose file does not shrink when rows are deleted.
   */
  async #keepFreeSpaceFloor(units: MediaUnit[], deleter: MediaDeleter, tally: SweepTally): Promise<void> {
    const floor = this.#limits.minFreeBytes;
    if (floor === null) return;
    let free = this.freeBytes();
    if (free === null || free >= floor) return;
    const { db, dataDir } = this.#options;
    this.#logger.warn(
      { data_dir: dataDir, free_bytes: free, floor_bytes: floor },
      'free space is below retention.min_free_mb; deleting the oldest media',
    );
    let remaining = units;
    while (free < floor && !this.#closing) {
      const held = loadHeldMedia(db);
      const batch = oldestCovering(remaining, floor - free, this.#options.batchSize ?? 100, (unit) =>
        isHeld(held, unit.owners),
      );
      if (batch.length === 0) {
        tally.heldOverLimit('low_space');
        this.#logger.warn(
          { data_dir: dataDir, free_bytes: free, floor_bytes: floor },
          `free space on ${dataDir} stays below retention.min_free_mb and no media is left that retention may delete: free space on that disk (the recording ring, logs, other files), ${HELD_ADVICE}, or lower retention.min_free_mb`,
        );
        return;
      }
      await deleter.deleteUnits(batch, 'low_space');
      const tried = new Set(batch);
      remaining = remaining.filter((unit) => !tried.has(unit));
      const measured = this.freeBytes();
      if (measured === null) return;
      free = measured;
    }
  }
}

function inGroup(units: readonly MediaUnit[], group: MediaGroup): MediaUnit[] {
  return units.filter((unit) => unit.group === group);
}

function sumBytes(items: ReadonlyArray<{ bytes: number }>): number {
  return items.reduce((sum, item) => sum + item.bytes, 0);
}
