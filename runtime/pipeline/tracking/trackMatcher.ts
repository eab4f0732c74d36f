import { iouOf } from '../../../base/geometry';
import type { Detection, NormalizedBox } from '../../../models/types';
import { minimumCostAssignment } from './assignment';

/** Below the match IoU, a box counts as a match only within this many box sizes of the prediction. */
const DISTANCE_GATE = 1.5;
/** …and only when its area is within this factor of the prediction's. */
const AREA_GATE = 2;
/** Weights of the cost terms after `1 − IoU`: centre distance in box sizes, and log area ratio. */
const DISTANCE_WEIGHT = 0.5;
const SIZE_WEIGHT = 0.5;
/**
 * Weight of the appearance term (see appearance.ts), reached at a colour difference of
 * `APPEARANCE_SCALE` levels: enough to choose between two people at one place, too little on its
 * own to refuse the only person there (lighting changes a walker's colours, too).
 */
const APPEARANCE_WEIGHT = 0.4;
const APPEARANCE_SCALE = 40;
/**
 * Cost of leaving a track unmatched on this frame: above any pair the gates let through alone
 * (at most 1 + 0.75 + 0.35), so a lone fast mover is still followed, but below two such pairs, so
 * a track does not grab a poor detection from another one that fits it well.
 */
const MISSED = 1.8;
/** Cost of a pair the gates rule out (never chosen: every track has its own `MISSED` column). */
const FORBIDDEN = 1e6;

/**
 * Pairs tracks with detections of the same label by the least total cost (Hungarian assignment),
 * not pair by pair: a pair's cost grows as the detection's IoU with the track's predicted box falls,
 * as its centre lies further from the predicted centre, as its size differs and, when the caller
 * gives `appearanceDistance`, as its colours differ from the track's. So when two people
 * cross, each keeps the detection that fits its own motion and size as a whole, rather than the
 * first to grab the best-overlapping box leaving the other the wrong one. Pairs below `minIou` are
 * kept only near the prediction (a fast mover) and at a similar size. Results are valid until the
 * next `match`.
 */
export class TrackMatcher {
  /** For each track, the index of its detection, or -1. */
  trackToDetection = new Int32Array(16);
  /** For each detection, the index of its track, or -1. */
  detectionToTrack = new Int32Array(16);
  #cost = new Float64Array(64);

  /** `predicted` holds 4 numbers per track (x1, y1, x2, y2) in track order. */
  match(
    tracks: readonly { label: string }[],
    predicted: Float64Array,
    detections: readonly Detection[],
    minIou: number,
    appearanceDistance?: (track: number, detection: number) => number,
  ): void {
    const trackCount = tracks.length;
    const detectionCount = detections.length;
    this.#ensureCapacity(trackCount, detectionCount);
    this.trackToDetection.fill(-1, 0, trackCount);
    this.detectionToTrack.fill(-1, 0, detectionCount);
    if (trackCount === 0 || detectionCount === 0) return;
    // Rows are tracks; columns the detections, then one "missed" column per track, so a track
    // takes no detection rather than a poor one that would push a better pair apart.
    const columns = detectionCount + trackCount;
    const cost = this.#cost;
    cost.fill(FORBIDDEN, 0, trackCount * columns);
    for (let t = 0; t < trackCount; t++) {
      const label = (tracks[t] as { label: string }).label;
      const row = t * columns;
      for (let d = 0; d < detectionCount; d++) {
        const detection = detections[d] as Detection;
        if (detection.label !== label) continue;
        const pair = pairCost(predicted, t * 4, detection.box, minIou);
        cost[row + d] =
          pair >= FORBIDDEN || !appearanceDistance
            ? pair
            : pair + APPEARANCE_WEIGHT * Math.min(1, appearanceDistance(t, d) / APPEARANCE_SCALE);
      }
      cost[row + detectionCount + t] = MISSED;
    }
    const assigned = minimumCostAssignment(cost, trackCount, columns);
    for (let t = 0; t < trackCount; t++) {
      const d = assigned[t] as number;
      if (d >= detectionCount || (cost[t * columns + d] as number) >= FORBIDDEN) continue;
      this.trackToDetection[t] = d;
      this.detectionToTrack[d] = t;
    }
  }

  #ensureCapacity(trackCount: number, detectionCount: number): void {
    if (this.trackToDetection.length < trackCount) this.trackToDetection = new Int32Array(trackCount * 2);
    if (this.detectionToTrack.length < detectionCount)
      this.detectionToTrack = new Int32Array(detectionCount * 2);
    const cells = trackCount * (detectionCount + trackCount);
    if (this.#cost.length < cells) this.#cost = new Float64Array(cells * 2);
  }
}

/** The cost of giving `box` to the track predicted at `predicted[offset..offset+4]`, or `FORBIDDEN`. */
function pairCost(predicted: Float64Array, offset: number, box: NormalizedBox, minIou: number): number {
  const px1 = predicted[offset] as number;
  const py1 = predicted[offset + 1] as number;
  const px2 = predicted[offset + 2] as number;
  const py2 = predicted[offset + 3] as number;
  const predictedArea = (px2 - px1) * (py2 - py1);
  const boxArea = (box[2] - box[0]) * (box[3] - box[1]);
  if (!(predictedArea > 0 && boxArea > 0)) return FORBIDDEN;
  const overlap = iouOf(px1, py1, px2, py2, box[0], box[1], box[2], box[3]);
  const width = Math.max(px2 - px1, box[2] - box[0]);
  const height = Math.max(py2 - py1, box[3] - box[1]);
  const dx = (px1 + px2 - box[0] - box[2]) / 2 / width;
  const dy = (py1 + py2 - box[1] - box[3]) / 2 / height;
  const distance = Math.sqrt(dx * dx + dy * dy);
  const sizeChange = Math.abs(Math.log(boxArea / predictedArea));
  if (overlap < minIou && (distance >= DISTANCE_GATE || sizeChange > Math.log(AREA_GATE))) return FORBIDDEN;
  return 1 - overlap + DISTANCE_WEIGHT * distance + SIZE_WEIGHT * sizeChange;
}
