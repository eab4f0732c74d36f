import type { Logger } from '../../../base/logger';
import type { RetentionMetrics } from './retentionMetrics';
import {
  DELETE_REASONS,
  type DeleteReason,
  RETAINED_KINDS,
  type RetainedKind,
  type SweepResult,
  type SweepTrigger,
} from './retentionTypes';

/** One deleted thing: a media file (by path) or an unknown face (by id). */
export type Deleted =
  | { kind: Exclude<RetainedKind, 'unknown_face'>; path: string; bytes: number }
  | { kind: 'unknown_face'; id: number; bytes: number };

/**
 * Where every deletion of a sweep is recorded: counted in `vigil_media_deleted_total`, logged one line
 * each (so a missing clip can always be traced to the sweep that took it), and summed for the
 * sweep's result and summary line.
 */
export class SweepTally {
  readonly #logger: Logger;
  readonly #metrics: RetentionMetrics;
  readonly #result: SweepResult;
  // Duration from the monotonic clock: the sweep's `now` may be any time (tests, clock changes).
  readonly #startedMs = performance.now();

  constructor(logger: Logger, metrics: RetentionMetrics, trigger: SweepTrigger, startedAt: number) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#result = {
      trigger,
      started_at: startedAt,
      duration_ms: 0,
      deleted: perKind(
        () => Object.fromEntries(DELETE_REASONS.map((r) => [r, 0])) as Record<DeleteReason, number>,
      ),
      freed_bytes: perKind(() => 0),
      total_deleted: 0,
      total_freed_bytes: 0,
      held_over_limit: [],
      free_bytes: null,
      interrupted: false,
    };
  }

  record(deleted: Deleted, reason: DeleteReason): void {
    const { kind, bytes } = deleted;
    this.#metrics.deleted.inc({ kind, reason });
    this.#result.deleted[kind][reason] += 1;
    this.#result.total_deleted += 1;
    // A row whose file was already gone frees nothing now.
    const freed = reason === 'missing' ? 0 : bytes;
    this.#result.freed_bytes[kind] += freed;
    this.#result.total_freed_bytes += freed;
    if (deleted.kind === 'unknown_face')
      this.#logger.info({ kind, id: deleted.id, reason, bytes }, 'retention deleted an unknown face');
    else this.#logger.info({ kind, path: deleted.path, reason, bytes }, 'retention deleted a media file');
  }

  heldOverLimit(what: RetainedKind | 'low_space'): void {
    if (!this.#result.held_over_limit.includes(what)) this.#result.held_over_limit.push(what);
  }

  set freeBytes(bytes: number | null) {
    this.#result.free_bytes = bytes;
  }

  interrupted(): void {
    this.#result.interrupted = true;
  }

  /** The result, with one summary log line listing only the non-zero counts. */
  finish(): SweepResult {
    const result = { ...this.#result, duration_ms: Math.round(performance.now() - this.#startedMs) };
    const deleted: Record<string, number> = {};
    for (const kind of RETAINED_KINDS)
      for (const reason of DELETE_REASONS)
        if (result.deleted[kind][reason] > 0) deleted[`${kind}.${reason}`] = result.deleted[kind][reason];
    this.#logger.info(
      {
        trigger: result.trigger,
        deleted,
        total_deleted: result.total_deleted,
        freed_bytes: result.total_freed_bytes,
        free_bytes: result.free_bytes,
        held_over_limit: result.held_over_limit,
        interrupted: result.interrupted,
        duration_ms: result.duration_ms,
      },
      'media retention sweep finished',
    );
    return result;
  }
}

function perKind<T>(make: () => T): Record<RetainedKind, T> {
  return Object.fromEntries(RETAINED_KINDS.map((kind) => [kind, make()])) as Record<RetainedKind, T>;
}
