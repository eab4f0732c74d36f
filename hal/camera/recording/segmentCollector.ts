import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../base/logger';
import { fileSize, segmentFileName } from './segmentFiles';
import { parseSegmentList, type SegmentListEntry } from './segmentList';
import type { StreamClock } from './streamClock';
import type { Segment } from './types';

/**
 * Within one run, a segment that starts less than this after the previous one ended is taken to
 * follow it directly. ffmpeg ends a segment at its last packet's timestamp plus that packet's
 * duration, which is unknown (and left at ~0) for frames stamped on arrival, so back-to-back
 * segments otherwise show a one-frame hole; a real hole inside a run (no packets for a second)
 * is kept.
 */
const CONTIGUOUS_MS = 1000;

/** What a {@link SegmentCollector} needs. */
export interface SegmentCollectorOptions {
  camera: string;
  dir: string;
  /** The run's CSV segment list. */
  listFile: string;
  clock: StreamClock;
  /**
   * Wall-clock ms before which no segment of this run may start (when ffmpeg was started, or
   * where the recording so far ended if that is later), so the ring never overlaps itself and a
   * gap never shrinks, even where the clock estimate is a little early (a file read with -re).
   */
  notBefore?: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Turns the lines ffmpeg adds to one run's segment list into finished segments: derives their
 * wall-clock times, renames each file atomically from its temporary name to
 * `<startedAt>-<endedAt>.ts`, and hands them out once, oldest first.
 */
export class SegmentCollector {
  readonly #options: SegmentCollectorOptions;
  readonly #now: () => number;
  readonly #done = new Set<string>();
  #lastEndedAt: number | undefined;
  /** No segment starts before this: the end of the one before, even from an earlier run. */
  #floor: number;
  /** When the newest line handled so far was first seen. */
  #previousSeenAt: number | undefined;

  constructor(options: SegmentCollectorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#floor = options.notBefore ?? Number.NEGATIVE_INFINITY;
  }

  /** Reads the list and returns the segments finished since the previous call. */
  collect(): Segment[] {
    const seenAt = this.#now();
    const listed = parseSegmentList(this.#readList());
    this.#forgetUnlisted(listed);
    const fresh = listed.filter((entry) => !this.#done.has(entry.file));
    if (fresh.length === 0) return [];
    const { clock, dir, camera, logger } = this.#options;
    this.#observe(fresh, seenAt);
    const segments: Segment[] = [];
    for (const entry of fresh) {
      this.#done.add(entry.file);
      let startedAt = clock.toWall(entry.start);
      if (this.#lastEndedAt !== undefined && startedAt < this.#lastEndedAt + CONTIGUOUS_MS)
        startedAt = this.#lastEndedAt;
      startedAt = Math.max(startedAt, this.#floor);
      const endedAt = Math.max(clock.toWall(entry.end), startedAt + 1);
      const temporary = join(dir, entry.file);
      const file = join(dir, segmentFileName(startedAt, endedAt));
      try {
        renameSync(temporary, file);
      } catch (error) {
        logger.warn({ err: error, file: temporary }, 'finished segment vanished before it could be named');
        continue;
      }
      this.#lastEndedAt = endedAt;
      this.#floor = endedAt;
      segments.push({ camera, file, startedAt, endedAt, bytes: fileSize(file) ?? 0 });
    }
    return segments;
  }

  /** Names of handed-out segments remembered (at most the list's length). */
  get remembered(): number {
    return this.#done.size;
  }

  /**
   * A name that has left the list (it keeps only the newest lines) never comes back, so it need
   * not be remembered: otherwise a run would keep one name per segment, 1,800 an hour per camera
   * at 2 s segments, for as long as it runs. An empty read (no list yet) forgets nothing.
   */
  #forgetUnlisted(listed: readonly SegmentListEntry[]): void {
    if (listed.length === 0) return;
    const names = new Set(listed.map((entry) => entry.file));
    for (const file of this.#done) if (!names.has(file)) this.#done.delete(file);
  }

  /**
   * Feeds the clock every bound these lines give (see StreamClock). A line is written when the
   * first packet of the next segment arrives, so that packet's time (the next line's start) is the
   * tightest bound; a segment's end is one frame earlier when frame durations are unknown. The
   * next line is only known later, so the bound applies from the following segment on.
   */
  #observe(fresh: readonly SegmentListEntry[], seenAt: number): void {
    const { clock } = this.#options;
    const first = fresh[0];
    if (first && this.#previousSeenAt !== undefined) clock.observe(first.start, this.#previousSeenAt);
    for (const entry of fresh.slice(1)) clock.observe(entry.start, seenAt);
    clock.observe(Math.max(...fresh.map((entry) => entry.end)), seenAt);
    this.#previousSeenAt = seenAt;
  }

  #readList(): string {
    try {
      return readFileSync(this.#options.listFile, 'utf8');
    } catch (error) {
      // No segment finished yet: ffmpeg creates the list with the first one.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
  }
}
