import type { Detection, NormalizedBox } from '../../../../models/types';
import type { ObjectsConfig } from '../../../../runtime/config/schema/camera';
import type { TrackedObject, TrackerUpdate } from '../../../../runtime/pipeline/tracking/index';

/** Detect size used by the tracking tests. */
export const FRAME = { width: 640, height: 360 };

/** Tracks person and car with Frigate-like filters (threshold 0.7). */
export const OBJECTS: ObjectsConfig = {
  track: ['person', 'car'],
  required_zones: [],
  filters: {
    person: { min_score: 0.5, threshold: 0.7, min_area: 0, max_area: 10_000_000 },
    car: { min_score: 0.5, threshold: 0.7, min_area: 0, max_area: 10_000_000 },
  },
};

/** A detection of `label` with a box of `width` × `height` whose top-left corner is (x, y). */
export function detection(
  label: string,
  x: number,
  y: number,
  width: number,
  height: number,
  score = 0.9,
): Detection {
  return { label, score, box: [x, y, x + width, y + height] };
}

/** One update's lists as `phase id` strings, in the order an event processor would see them. */
export interface LoggedReport {
  frame: number;
  timestamp: number;
  phase: 'started' | 'updated' | 'ended';
  id: string;
}

/** Appends one update's started/updated/ended entries to `log`. */
export function logUpdate(
  log: LoggedReport[],
  frame: number,
  timestamp: number,
  update: TrackerUpdate,
): void {
  for (const phase of ['started', 'updated', 'ended'] as const) {
    for (const track of update[phase]) log.push({ frame, timestamp, phase, id: track.id });
  }
}

/** Rounds a box for comparisons. */
export function rounded(box: NormalizedBox, digits = 4): number[] {
  return box.map((value) => Number(value.toFixed(digits)));
}

/** The live track carrying `id`. */
export function trackById(tracks: readonly TrackedObject[], id: string): TrackedObject | undefined {
  return tracks.find((track) => track.id === id);
}
