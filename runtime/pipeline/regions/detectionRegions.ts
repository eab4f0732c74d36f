import { type Box, boxArea, intersectionArea } from '../../../base/geometry';
import type { NormalizedBox } from '../../../models/types';
import type { DetectionRegion, FrameSize, MotionRegion } from '../types';
import { fullFrameTiles } from './fullFramePass';
import { consolidateRegions, type RegionMergeOptions } from './regionMerge';
import { appendSquaresAround, minRegionSide } from './squareRegion';

/** Tuning of `detectionRegions`; every field has a default. */
export interface DetectionRegionOptions extends Partial<RegionMergeOptions> {
  /** Motion boxes are grown by this much: motion often covers only the moving part of an object. */
  motionMultiplier?: number;
  /** Predicted boxes are grown by this much, for the error of the prediction. */
  trackedMultiplier?: number;
  /** More regions than this after merging: look at the whole frame once instead. */
  maxRegions?: number;
  /** Regions adding up to this fraction of the frame's area: look at the whole frame once instead… */
  fullFrameCoverage?: number;
  /**
   * …if the smallest tracked or moving box's shorter side stays at least this many pixels once
   * the frame is squeezed into the model input (else tiles or the regions keep native scale).
   * 32: a 30 px wide person squeezed from 768 to 512 px wide is 20 px, where CenterNet's score
   * falls from 0.67 to 0.40 (vtest.avi, 15 s).
   */
  minSqueezedSide?: number;
}

const DEFAULTS: Required<DetectionRegionOptions> = {
  motionMultiplier: 1.25,
  trackedMultiplier: 1.3,
  maxRegions: 4,
  fullFrameCoverage: 0.7,
  minSqueezedSide: 32,
  containFraction: 0.9,
  mergeOverlap: 0.5,
  maxMergeGrowth: 1.5,
};

/**
 * Where to run the detector on this frame (Frigate-style region detection): square pixel regions,
 * each at least the model's input size (or the frame's short side if smaller), grown around the
 * predicted boxes of tracked objects and around clusters of motion not already inside those,
 * kept inside the frame and merged where they overlap a lot. When the regions would be many or
 * cover most of the frame, one whole-frame region is returned instead if that keeps the smallest
 * object resolvable, else model-sized tiles of the frame (when no more than the regions). No
 * motion and nothing tracked: no regions. Boxes are fractions of the frame; `frame` is its size in pixels.
 */
export function detectionRegions(
  motionRegions: readonly MotionRegion[],
  trackedBoxes: readonly NormalizedBox[],
  frame: FrameSize,
  modelInputSize: number,
  options: DetectionRegionOptions = {},
): DetectionRegion[] {
  if (motionRegions.length === 0 && trackedBoxes.length === 0) return [];
  const settings = { ...DEFAULTS, ...options };
  const minSide = minRegionSide(frame, modelInputSize);
  const regions: DetectionRegion[] = [];
  const trackedPixels = trackedBoxes.map((box) => toPixels(box, frame));
  for (const box of trackedPixels) {
    appendSquaresAround(box, frame, minSide, settings.trackedMultiplier, 'tracked', regions);
  }
  const trackedRegions = regions.slice();
  const motionBoxes = motionRegions
    .map((region) => toPixels(region.box, frame))
    .filter((box) => boxArea(box) > 0 && !mostlyInside(box, trackedRegions, settings.containFraction));
  const clusters = clusterMotion(motionBoxes, minSide / settings.motionMultiplier);
  for (const cluster of clusters) {
    appendSquaresAround(cluster, frame, minSide, settings.motionMultiplier, 'motion', regions);
  }
  const merged = consolidateRegions(regions, frame, settings);
  let coveredArea = 0;
  for (const region of merged) coveredArea += region.width * region.height;
  const tooMany = merged.length > settings.maxRegions;
  if (!tooMany && coveredArea < settings.fullFrameCoverage * frame.width * frame.height) return merged;
  // One look at the whole frame is cheaper, but it is squeezed into the model input: take it only
  // while the smallest object stays resolvable, else tile the frame at native scale when that
  // costs no more calls, else keep the regions (or, when they are too many, squeeze after all).
  const squeeze = Math.max(frame.width, frame.height) / modelInputSize;
  const smallest = Math.min(
    ...[...trackedPixels, ...clusters].map((b) => Math.min(b[2] - b[0], b[3] - b[1])),
  );
  if (squeeze <= 1 || smallest / squeeze >= settings.minSqueezedSide) return [wholeFrame(frame)];
  const tiles = fullFrameTiles(frame, modelInputSize);
  if (tiles.length <= merged.length) return tiles;
  return tooMany ? [wholeFrame(frame)] : merged;
}

/** The whole frame as one (not necessarily square) region. */
function wholeFrame(frame: FrameSize): DetectionRegion {
  return { x: 0, y: 0, width: frame.width, height: frame.height, reason: 'full' };
}

/**
 * Groups motion boxes (largest first) into clusters whose bounding box stays within `maxSide`,
 * so that nearby bits of motion (a walker's legs and arms) share one region.
 */
function clusterMotion(boxes: Box[], maxSide: number): Box[] {
  boxes.sort((a, b) => boxArea(b) - boxArea(a));
  const clusters: [number, number, number, number][] = [];
  for (const box of boxes) {
    const cluster = clusters.find(
      (c) =>
        Math.max(c[2], box[2]) - Math.min(c[0], box[0]) <= maxSide &&
        Math.max(c[3], box[3]) - Math.min(c[1], box[1]) <= maxSide,
    );
    if (!cluster) {
      clusters.push([box[0], box[1], box[2], box[3]]);
      continue;
    }
    cluster[0] = Math.min(cluster[0], box[0]);
    cluster[1] = Math.min(cluster[1], box[1]);
    cluster[2] = Math.max(cluster[2], box[2]);
    cluster[3] = Math.max(cluster[3], box[3]);
  }
  return clusters;
}

function mostlyInside(box: Box, regions: readonly DetectionRegion[], fraction: number): boolean {
  const area = boxArea(box);
  return regions.some(
    (r) => intersectionArea(box, [r.x, r.y, r.x + r.width, r.y + r.height]) >= fraction * area,
  );
}

function toPixels(box: NormalizedBox, frame: FrameSize): Box {
  return [box[0] * frame.width, box[1] * frame.height, box[2] * frame.width, box[3] * frame.height];
}
