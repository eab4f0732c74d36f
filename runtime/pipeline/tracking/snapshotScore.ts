import type { NormalizedBox } from '../../../models/types';

/** One sighting of a tracked object, as a snapshot candidate. */
export interface SnapshotCandidate {
  /** Frame timestamp (ms): which frame to keep. */
  timestamp: number;
  box: NormalizedBox;
  score: number;
  /** Box area in pixels at detect size. */
  area: number;
  /** `sharpness()` of the box on that frame; 0 when no frame was given to measure it. */
  sharpness: number;
}

/** Ranks snapshot candidates; higher is better. `frameArea` is the detect size's area in pixels. */
export type SnapshotScore = (candidate: SnapshotCandidate, frameArea: number) => number;

/** Sharpness at which the sharpness factor is halfway between its floor and 1. */
const SHARPNESS_HALF = 50;
/** A box this close (fraction of the frame) to an edge is probably cut off by it. */
const EDGE_MARGIN = 0.005;
/** Factor for a box touching the frame edge: a cut-off object is a worse picture. */
const EDGE_FACTOR = 0.6;

/**
 * The default rule: larger, higher-scoring, sharper and not cut off by the frame edge is better.
 * Score × √(area fraction) × sharpness factor (0.5..1) × edge factor; the square root keeps a large
 * but poorly detected box from beating a clear one that is a little smaller.
 */
export const defaultSnapshotScore: SnapshotScore = (candidate, frameArea) =>
  candidate.score *
  Math.sqrt(frameArea > 0 ? candidate.area / frameArea : 0) *
  sharpnessFactor(candidate.sharpness) *
  (touchesFrameEdge(candidate.box) ? EDGE_FACTOR : 1);

/** 0.5 for a flat crop, rising towards 1 for a crisp one. */
function sharpnessFactor(sharpness: number): number {
  const value = Math.max(0, sharpness);
  return 0.5 + (0.5 * value) / (value + SHARPNESS_HALF);
}

/** Whether a box touches (or nearly touches) the frame's edge. */
export function touchesFrameEdge(box: NormalizedBox): boolean {
  return (
    box[0] <= EDGE_MARGIN || box[1] <= EDGE_MARGIN || box[2] >= 1 - EDGE_MARGIN || box[3] >= 1 - EDGE_MARGIN
  );
}
