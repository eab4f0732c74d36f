import type { RecordingGap, Segment } from '../../../hal/camera/recording/types';

/** The stretch of recording an incident's clip covers: pre_capture before it, post_capture after. */
export interface ClipWindow {
  from: number;
  /** null while the incident is still open. */
  until: number | null;
}

/** A hole in a clip, stored with the incident (`clip_gaps`). */
export interface ClipGap {
  from: number;
  to: number;
  reason: string;
}

/** Holes shorter than this are frame-timing jitter between segments, not gaps. */
const GAP_TOLERANCE_MS = 1000;

export function clipWindow(
  incident: { started_at: number; ended_at: number | null },
  record: { pre_capture: number; post_capture: number },
): ClipWindow {
  return {
    from: incident.started_at - record.pre_capture * 1000,
    until: incident.ended_at === null ? null : incident.ended_at + record.post_capture * 1000,
  };
}

/** Segments that overlap the window (an open window runs to now), oldest first. */
export function segmentsIn(window: ClipWindow, segments: readonly Segment[]): Segment[] {
  const until = window.until ?? Number.POSITIVE_INFINITY;
  return segments.filter((s) => s.endedAt > window.from && s.startedAt < until);
}

/**
 * The segments joined into the clip: those overlapping the window, minus an edge segment that
 * lies mostly outside it, so the clip (cut only on segment boundaries, never re-encoded) is
 * within one segment of the window's length.
 */
export function clipSegments(
  window: { from: number; until: number },
  segments: readonly Segment[],
): Segment[] {
  const overlapping = segmentsIn(window, segments);
  const mostlyInside = overlapping.filter((s) => {
    const inside = Math.min(s.endedAt, window.until) - Math.max(s.startedAt, window.from);
    return inside * 2 >= s.endedAt - s.startedAt;
  });
  return mostlyInside.length > 0 ? mostlyInside : overlapping;
}

/**
 * The stretches of a finished window that no segment covers, each with the reason the recorder
 * reported for it (ffmpeg died, disk full) or a general one when nothing was reported (Vigil was
 * not running, recording had not started yet).
 */
export function gapsIn(
  window: { from: number; until: number },
  segments: readonly Segment[],
  reported: readonly RecordingGap[],
): ClipGap[] {
  const gaps: ClipGap[] = [];
  let covered = window.from;
  const hole = (from: number, to: number) => {
    if (to - from > GAP_TOLERANCE_MS) gaps.push({ from, to, reason: reasonFor(from, to, reported) });
  };
  for (const segment of segments) {
    hole(covered, Math.min(segment.startedAt, window.until));
    covered = Math.max(covered, segment.endedAt);
  }
  hole(covered, window.until);
  return gaps;
}

function reasonFor(from: number, to: number, reported: readonly RecordingGap[]): string {
  const known = reported.filter((g) => g.to > from - GAP_TOLERANCE_MS && g.from < to + GAP_TOLERANCE_MS);
  if (known.length > 0) return [...new Set(known.map((g) => g.reason))].join('; ');
  return 'nothing was recorded (recording had not started, or Vigil was not running)';
}
