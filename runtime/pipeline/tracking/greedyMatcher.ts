import { iouOf } from '../../../base/geometry';
import type { Detection, NormalizedBox } from '../../../models/types';

/** A nearby box counts as a fallback match only within this many box sizes of the prediction. */
const DISTANCE_GATE = 1.5;

/**
 * Pairs tracks with detections of the same label, best pairs first (greedy on similarity): IoU of
 * the track's predicted box with the detection, and below `minIou` a weaker, distance-based score
 * for fast movers that no longer overlap their prediction. Buffers are kept between calls, so a
 * frame allocates nothing but the sort's pair order. Results are valid until the next `match`.
 */
export class GreedyMatcher {
  /** For each track, the index of its detection, or -1. */
  trackToDetection = new Int32Array(16);
  /** For each detection, the index of its track, or -1. */
  detectionToTrack = new Int32Array(16);
  #similarity = new Float64Array(64);
  #pairTrack = new Int32Array(64);
  #pairDetection = new Int32Array(64);
  readonly #order: number[] = [];

  /** `predicted` holds 4 numbers per track (x1, y1, x2, y2) in track order. */
  match(
    tracks: readonly { label: string }[],
    predicted: Float64Array,
    detections: readonly Detection[],
    minIou: number,
  ): void {
    this.#ensureCapacity(tracks.length, detections.length);
    this.trackToDetection.fill(-1, 0, tracks.length);
    this.detectionToTrack.fill(-1, 0, detections.length);
    let pairs = 0;
    for (let t = 0; t < tracks.length; t++) {
      const label = (tracks[t] as { label: string }).label;
      for (let d = 0; d < detections.length; d++) {
        const detection = detections[d] as Detection;
        if (detection.label !== label) continue;
        const similarity = similarityOf(predicted, t * 4, detection.box, minIou);
        if (similarity <= 0) continue;
        this.#similarity[pairs] = similarity;
        this.#pairTrack[pairs] = t;
        this.#pairDetection[pairs] = d;
        pairs++;
      }
    }
    const order = this.#order;
    order.length = pairs;
    for (let p = 0; p < pairs; p++) order[p] = p;
    const similarity = this.#similarity;
    order.sort((a, b) => (similarity[b] as number) - (similarity[a] as number) || a - b);
    for (const pair of order) {
      const t = this.#pairTrack[pair] as number;
      const d = this.#pairDetection[pair] as number;
      if (this.trackToDetection[t] !== -1 || this.detectionToTrack[d] !== -1) continue;
      this.trackToDetection[t] = d;
      this.detectionToTrack[d] = t;
    }
  }

  #ensureCapacity(trackCount: number, detectionCount: number): void {
    if (this.trackToDetection.length < trackCount) this.trackToDetection = new Int32Array(trackCount * 2);
    if (this.detectionToTrack.length < detectionCount)
      this.detectionToTrack = new Int32Array(detectionCount * 2);
    const pairs = trackCount * detectionCount;
    if (this.#similarity.length < pairs) {
      this.#similarity = new Float64Array(pairs * 2);
      this.#pairTrack = new Int32Array(pairs * 2);
      this.#pairDetection = new Int32Array(pairs * 2);
    }
  }
}

/**
 * IoU when it reaches `minIou`. Otherwise, for a box of similar size (area within 2×) whose centre is
 * within `DISTANCE_GATE` box sizes of the prediction, a score below `minIou` falling with distance,
 * so any overlap match wins over it; else 0.
 */
function similarityOf(predicted: Float64Array, offset: number, box: NormalizedBox, minIou: number): number {
  const px1 = predicted[offset] as number;
  const py1 = predicted[offset + 1] as number;
  const px2 = predicted[offset + 2] as number;
  const py2 = predicted[offset + 3] as number;
  const overlap = iouOf(px1, py1, px2, py2, box[0], box[1], box[2], box[3]);
  if (overlap >= minIou) return overlap;
  const width = Math.max(px2 - px1, box[2] - box[0]);
  const height = Math.max(py2 - py1, box[3] - box[1]);
  if (width <= 0 || height <= 0) return 0;
  const areaRatio = ((px2 - px1) * (py2 - py1)) / ((box[2] - box[0]) * (box[3] - box[1]));
  if (!(areaRatio >= 0.5 && areaRatio <= 2)) return 0;
  const dx = (px1 + px2 - box[0] - box[2]) / 2 / width;
  const dy = (py1 + py2 - box[1] - box[3]) / 2 / height;
  const distance = Math.sqrt(dx * dx + dy * dy);
  if (distance >= DISTANCE_GATE) return 0;
  return minIou * 0.99 * (1 - distance / DISTANCE_GATE);
}
