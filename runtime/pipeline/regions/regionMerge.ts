import { boxArea, intersectionArea } from '../../../base/geometry';
import type { DetectionRegion, FrameSize, RegionReason } from '../types';
import { regionBox, squareAt } from './squareRegion';

/** How eagerly overlapping regions are combined. */
export interface RegionMergeOptions {
  /** A region with at least this fraction of its area inside another is dropped (the other covers it). */
  containFraction: number;
  /** Two regions overlapping by at least this fraction of the smaller one become one square… */
  mergeOverlap: number;
  /** …if that square's side is at most this many times the larger one's (so resolution is not lost). */
  maxMergeGrowth: number;
}

/**
 * Drops regions that another one (nearly) covers and merges pairs that overlap a lot into one
 * square around both, repeating until nothing changes. Each detector call costs the same whatever
 * the region size, so fewer regions is faster; the growth limit keeps small objects resolvable.
 */
export function consolidateRegions(
  regions: DetectionRegion[],
  frame: FrameSize,
  options: RegionMergeOptions,
): DetectionRegion[] {
  const shortSide = Math.min(frame.width, frame.height);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < regions.length && !changed; i++) {
      for (let j = i + 1; j < regions.length && !changed; j++) {
        const a = regions[i] as DetectionRegion;
        const b = regions[j] as DetectionRegion;
        const merged = combine(a, b, shortSide, frame, options);
        if (merged) {
          regions[i] = merged;
          regions.splice(j, 1);
          changed = true;
        }
      }
    }
  }
  return regions;
}

/** One region standing for both, or null when they should stay apart. */
function combine(
  a: DetectionRegion,
  b: DetectionRegion,
  shortSide: number,
  frame: FrameSize,
  options: RegionMergeOptions,
): DetectionRegion | null {
  const boxA = regionBox(a);
  const boxB = regionBox(b);
  const overlap = intersectionArea(boxA, boxB);
  if (overlap === 0) return null;
  const areaA = boxArea(boxA);
  const areaB = boxArea(boxB);
  const reason = strongerReason(a.reason, b.reason);
  const smaller = Math.min(areaA, areaB);
  if (overlap >= options.containFraction * smaller) return { ...(areaA >= areaB ? a : b), reason };
  if (overlap < options.mergeOverlap * smaller) return null;
  const x1 = Math.min(boxA[0], boxB[0]);
  const y1 = Math.min(boxA[1], boxB[1]);
  const x2 = Math.max(boxA[2], boxB[2]);
  const y2 = Math.max(boxA[3], boxB[3]);
  const side = Math.max(x2 - x1, y2 - y1);
  if (side > shortSide || side > Math.max(a.width, b.width) * options.maxMergeGrowth) return null;
  return squareAt((x1 + x2) / 2, (y1 + y2) / 2, side, frame, reason);
}

function strongerReason(a: RegionReason, b: RegionReason): RegionReason {
  if (a === 'full' || b === 'full') return 'full';
  return a === 'tracked' || b === 'tracked' ? 'tracked' : 'motion';
}
