import type { MediaKind } from '../../store/mediaPaths';

/** What retention deletes: the media files by kind, and unknown-face crops (rows in `face_unknown`). */
export type RetainedKind = MediaKind | 'unknown_face';

export const RETAINED_KINDS: readonly RetainedKind[] = ['clip', 'snapshot', 'thumbnail', 'unknown_face'];

/**
 * Why something was deleted: over its age limit, over its kind's size cap, the disk below the
 * free-space floor, a file no row knows (`orphan`), a row whose file is gone (`missing`).
 */
export type DeleteReason = 'age' | 'size' | 'low_space' | 'orphan' | 'missing';

export const DELETE_REASONS: readonly DeleteReason[] = ['age', 'size', 'low_space', 'orphan', 'missing'];

/** What started a sweep. */
export type SweepTrigger = 'schedule' | 'low_space' | 'startup' | 'manual';

/** What one sweep did. Counts are files (or unknown faces); bytes are what the deletions freed. */
export interface SweepResult {
  trigger: SweepTrigger;
  started_at: number;
  duration_ms: number;
  /** Deletions per kind and reason (every pair present, 0 when none). */
  deleted: Record<RetainedKind, Record<DeleteReason, number>>;
  /** Bytes freed per kind (a `missing` row frees nothing: its file was already gone). */
  freed_bytes: Record<RetainedKind, number>;
  total_deleted: number;
  total_freed_bytes: number;
  /**
   * Kinds still over their size cap after the sweep because everything left belongs to protected
   * or unsynced incidents; `low_space` when the disk stayed below the floor for the same reason.
   */
  held_over_limit: Array<RetainedKind | 'low_space'>;
  /** Free bytes on data_dir's file system after the sweep; null when not measured (no floor) or unknown. */
  free_bytes: number | null;
  /** True when the sweep stopped early because retention was closing. */
  interrupted: boolean;
}
