import { iou } from '../../../base/geometry';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { Detection, NormalizedBox } from '../../../models/types';
import { APPEARANCE_SIZE, appearanceDistance } from './appearance';
import { sharpness } from './cropSharpness';
import { ScoreHistory } from './scoreHistory';
import type { SnapshotCandidate } from './snapshotScore';
import type { TrackedObject } from './trackedObject';
import type { TrackerSettings } from './trackerOptions';
import { ZonePresence } from './zonePresence';
import type { CompiledZone } from './zones';

/** Bits telling what about a track changed in a way that is reported at once. */
export const ZONES_CHANGED = 1;
export const STATIONARY_CHANGED = 2;
export const LOITERING_CHANGED = 4;

/** Scores a median is taken over at least, missing ones counting as 0 (Frigate's rule). */
const MIN_MEDIAN_COUNT = 3;

/** Sharpness used for the snapshot bound: if even a perfectly sharp crop cannot win, skip measuring. */
const SHARPEST = 1e9;

/** Slots of a track's motion state. */
const CX = 0;
const CY = 1;
const W = 2;
const H = 3;
const VX = 4;
const VY = 5;
/** Alpha-beta filter gains: the share of a detection's surprise taken into position and velocity. */
const POSITION_GAIN = 0.6;
const VELOCITY_GAIN = 0.2;
/** The share of a new detection's appearance taken into the track's. */
const APPEARANCE_GAIN = 0.2;
/** A detection whose area differs from the track's by more than this factor does not move its velocity. */
const SIZE_JUMP = 1.5;
/**
 * A track has moved once its centre is this share of its first box's width or height from where it
 * was first seen: more than a detector's jitter on a still object (a pixel or two on a 12 px
 * cone), less than a walker's step between two frames at 5-10 fps (a fifth to a half of its width).
 */
const LEFT_BOX = 0.25;
/** A track first seen at more than this factor of another's size is not that object taken up again. */
const AREA_GATE = 2;

/** What a track needs from its tracker on every call. */
export interface TrackContext {
  settings: TrackerSettings;
  /** Detect size area in pixels. */
  frameArea: number;
  /** The frame the detections came from, when the caller gives it (for snapshot sharpness). */
  image: RgbImage | undefined;
}

/** The tracker's mutable state for one object; handed out as a read-only `TrackedObject`. */
export class Track implements TrackedObject {
  readonly id: string;
  readonly serial: number;
  readonly label: string;
  readonly startedAt: number;
  confirmedAt: number | null = null;
  confirmed = false;
  score: number;
  medianScore: number;
  topScore: number;
  box: NormalizedBox;
  hits = 1;
  lastSeen: number;
  /** Latest update of any kind (seen or not). */
  lastUpdate: number;
  stationary = false;
  motionlessFrames = 0;
  currentZones: string[];
  zones: string[];
  enteredZones: string[];
  loiteringZones: string[];
  best: SnapshotCandidate;
  bestChanged = true;
  endedAt: number | null = null;
  /** Time spent unseen while the detector looked where it should be (ms). */
  unseenMs = 0;
  /**
   * Whether its centre has ever been `LEFT_BOX` of its size or more from where it was first seen.
   * Not the stationary test's IoU: on a 12 px wide box two pixels of detector jitter drop the IoU
   * below 0.7.
   */
  movedEver = false;
  /** The mean score of every sighting so far. */
  meanScore: number;
  /** State last reported, to tell whether an update is worth reporting. */
  reportedBox: NormalizedBox;
  reportedTopScore = 0;
  lastReportedAt = 0;
  bestSinceReport = false;

  /** Its colours (see `measureAppearance`), a slow average over the detections it took. */
  readonly #appearance = new Float64Array(APPEARANCE_SIZE);
  #hasAppearance = false;
  /** Filtered centre, size and centre velocity (per ms), indexed by CX, CY, W, H, VX, VY. */
  readonly #motion = new Float64Array(6);
  /** Where it was when it last moved; staying near it counts as not moving. */
  #anchor: NormalizedBox;
  /** The box it was first seen in. */
  readonly #origin: NormalizedBox;
  #bestValue: number;
  #scoreSum: number;
  readonly #horizonMs: number;
  readonly #scores: ScoreHistory;
  readonly #presence: ZonePresence;

  constructor(
    id: string,
    serial: number,
    detection: Detection,
    timestamp: number,
    zones: readonly CompiledZone[],
    context: TrackContext,
  ) {
    const { settings } = context;
    this.id = id;
    this.serial = serial;
    this.label = detection.label;
    this.startedAt = timestamp;
    this.#horizonMs = settings.predictionHorizonSeconds * 1000;
    this.lastSeen = timestamp;
    this.lastUpdate = timestamp;
    this.box = copyBox(detection.box);
    const [x1, y1, x2, y2] = this.box;
    this.#motion.set([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], CX);
    this.reportedBox = this.box;
    this.#anchor = this.box;
    this.#origin = this.box;
    this.score = detection.score;
    this.#scores = new ScoreHistory(settings.scoreHistorySize);
    this.#scores.push(detection.score);
    this.medianScore = this.#scores.median(MIN_MEDIAN_COUNT);
    this.topScore = this.medianScore;
    this.#scoreSum = detection.score;
    this.meanScore = detection.score;
    this.#presence = new ZonePresence(zones);
    this.#presence.observe(
      this.box,
      this.label,
      timestamp,
      settings.zoneEnterFrames,
      settings.zoneExitFrames,
    );
    this.currentZones = this.#presence.current;
    this.zones = this.currentZones;
    this.enteredZones = this.#presence.entered;
    this.loiteringZones = this.#presence.loitering;
    this.best = candidate(this.box, detection.score, timestamp, context, 0);
    this.best.sharpness = context.image ? sharpness(context.image, this.box) : 0;
    this.#bestValue = settings.snapshotScore(this.best, context.frameArea);
  }

  loiteringSeconds(zone: string): number {
    return this.#presence.secondsIn(zone, this.lastUpdate);
  }

  predictedBox(timestamp: number): NormalizedBox {
    const out = new Float64Array(4);
    this.writePrediction(timestamp, out, 0);
    return [out[0] as number, out[1] as number, out[2] as number, out[3] as number];
  }

  /** Writes the predicted box at `timestamp` into `out` at `offset` (no allocation, for matching). */
  writePrediction(timestamp: number, out: Float64Array, offset: number): void {
    const elapsed = this.#predictionSpan(timestamp);
    const m = this.#motion;
    const cx = (m[CX] as number) + (m[VX] as number) * elapsed;
    const cy = (m[CY] as number) + (m[VY] as number) * elapsed;
    const halfWidth = (m[W] as number) / 2;
    const halfHeight = (m[H] as number) / 2;
    out[offset] = cx - halfWidth;
    out[offset + 1] = cy - halfHeight;
    out[offset + 2] = cx + halfWidth;
    out[offset + 3] = cy + halfHeight;
  }

  #predictionSpan(timestamp: number): number {
    return Math.min(Math.max(0, timestamp - this.lastSeen), this.#horizonMs);
  }

  /**
   * Follows the box's centre with an alpha-beta filter (a fixed-gain Kalman filter): the new
   * centre is the prediction moved part of the way toward the detection, and the velocity takes
   * a smaller share of the surprise. Detector jitter of a few pixels on a person moving a few
   * pixels a frame would otherwise swing the velocity wildly, and a crossing would be guessed
   * wrong. The size is smoothed the same way; a box much larger or smaller than the track's
   * (two people reported as one, half a person behind a post) does not move the velocity.
   */
  #follow(box: NormalizedBox, elapsed: number): void {
    const m = this.#motion;
    const cx = (box[0] + box[2]) / 2;
    const cy = (box[1] + box[3]) / 2;
    const width = box[2] - box[0];
    const height = box[3] - box[1];
    if (this.hits === 1) {
      // Nothing to smooth with yet: the first velocity is the first step.
      m[VX] = (cx - (m[CX] as number)) / elapsed;
      m[VY] = (cy - (m[CY] as number)) / elapsed;
      m.set([cx, cy, width, height], CX);
      return;
    }
    const span = Math.min(elapsed, this.#horizonMs);
    const predictedX = (m[CX] as number) + (m[VX] as number) * span;
    const predictedY = (m[CY] as number) + (m[VY] as number) * span;
    const sizeRatio = (width * height) / ((m[W] as number) * (m[H] as number));
    const consistent = sizeRatio > 1 / SIZE_JUMP && sizeRatio < SIZE_JUMP;
    const residualX = cx - predictedX;
    const residualY = cy - predictedY;
    m[CX] = consistent ? predictedX + POSITION_GAIN * residualX : predictedX;
    m[CY] = consistent ? predictedY + POSITION_GAIN * residualY : predictedY;
    if (consistent) {
      m[VX] = (m[VX] as number) + (VELOCITY_GAIN * residualX) / elapsed;
      m[VY] = (m[VY] as number) + (VELOCITY_GAIN * residualY) / elapsed;
    }
    m[W] = (m[W] as number) + POSITION_GAIN * (width - (m[W] as number));
    m[H] = (m[H] as number) + POSITION_GAIN * (height - (m[H] as number));
  }

  /** The detector looked where it was expected since it was last seen, and did not find it. */
  get missing(): boolean {
    return this.unseenMs > 0;
  }

  /** Takes a matching detection into account; returns the change bits. */
  observe(detection: Detection, timestamp: number, context: TrackContext): number {
    const { settings } = context;
    const box = copyBox(detection.box);
    const elapsed = timestamp - this.lastSeen;
    if (elapsed > 0) this.#follow(box, elapsed);
    this.box = box;
    this.score = detection.score;
    this.#scores.push(detection.score);
    this.medianScore = this.#scores.median(MIN_MEDIAN_COUNT);
    if (this.medianScore > this.topScore) this.topScore = this.medianScore;
    this.hits++;
    this.#scoreSum += detection.score;
    this.meanScore = this.#scoreSum / this.hits;
    this.lastSeen = timestamp;
    this.unseenMs = 0;
    if (!this.movedEver) this.movedEver = leftBox(this.#origin, box);
    let changes = this.#observeStillness(settings);
    if (
      this.#presence.observe(box, this.label, timestamp, settings.zoneEnterFrames, settings.zoneExitFrames)
    ) {
      this.currentZones = this.#presence.current;
      this.zones = this.currentZones;
      this.enteredZones = this.#presence.entered;
      changes |= ZONES_CHANGED;
    }
    this.#considerSnapshot(timestamp, context);
    return changes;
  }

  /**
   * How far, in box sizes, the box `newer` first appeared in lies from where this track was
   * expected at that moment, or Infinity when the two cannot be one object: a different label,
   * this track seen since `newer` appeared (two objects at once), or sizes more than `AREA_GATE`
   * apart.
   */
  distanceTo(newer: Track): number {
    if (newer.label !== this.label || this.lastSeen >= newer.startedAt) return Number.POSITIVE_INFINITY;
    const predicted = this.predictedBox(newer.startedAt);
    const origin = newer.#origin;
    const area = (origin[2] - origin[0]) * (origin[3] - origin[1]);
    const predictedArea = (predicted[2] - predicted[0]) * (predicted[3] - predicted[1]);
    if (!(area > 0 && predictedArea > 0) || Math.abs(Math.log(area / predictedArea)) > Math.log(AREA_GATE))
      return Number.POSITIVE_INFINITY;
    const width = Math.max(predicted[2] - predicted[0], origin[2] - origin[0]);
    const height = Math.max(predicted[3] - predicted[1], origin[3] - origin[1]);
    const dx = (predicted[0] + predicted[2] - origin[0] - origin[2]) / 2 / width;
    const dy = (predicted[1] + predicted[3] - origin[1] - origin[3]) / 2 / height;
    return Math.sqrt(dx * dx + dy * dy);
  }

  /** How far `other`'s colours are from this track's, 0-255 (0 when either has none). */
  appearanceDistanceTo(other: Track): number {
    return this.#hasAppearance && other.#hasAppearance
      ? appearanceDistance(this.#appearance, 0, other.#appearance, 0)
      : 0;
  }

  /**
   * Takes up the object again from `newer`, a tentative track that followed it since this one lost
   * it: its position, motion, latest box and score, sightings and colours become this track's, so
   * the object keeps this id (and its incident). Zones and the snapshot stay this track's; the next
   * sighting updates them.
   */
  resume(newer: Track): void {
    this.#motion.set(newer.#motion);
    this.box = newer.box;
    this.score = newer.score;
    for (const score of newer.#scores.values()) this.#scores.push(score);
    this.medianScore = this.#scores.median(MIN_MEDIAN_COUNT);
    if (this.medianScore > this.topScore) this.topScore = this.medianScore;
    this.hits += newer.hits;
    this.#scoreSum += newer.#scoreSum;
    this.meanScore = this.#scoreSum / this.hits;
    this.lastSeen = newer.lastSeen;
    this.lastUpdate = newer.lastUpdate;
    this.unseenMs = newer.unseenMs;
    this.#anchor = newer.#anchor;
    this.motionlessFrames = newer.motionlessFrames;
    this.movedEver = true;
    if (newer.#hasAppearance) {
      this.#appearance.set(newer.#appearance);
      this.#hasAppearance = true;
    }
  }

  /** How far the appearance at `offset` of `appearances` is from this track's (0 before it has one). */
  appearanceDistance(appearances: Float64Array, offset: number): number {
    return this.#hasAppearance ? appearanceDistance(this.#appearance, 0, appearances, offset) : 0;
  }

  /**
   * Takes in the appearance of the detection it was given: slowly, so one frame of a neighbour
   * (a wrong match, an occluding passer-by) does not become its colours.
   */
  blendAppearance(appearances: Float64Array, offset: number): void {
    const a = this.#appearance;
    for (let i = 0; i < APPEARANCE_SIZE; i++) {
      const value = appearances[offset + i] as number;
      a[i] = this.#hasAppearance ? (a[i] as number) + APPEARANCE_GAIN * (value - (a[i] as number)) : value;
    }
    this.#hasAppearance = true;
  }

  /** The detector looked where it should be and did not see it. */
  miss(timestamp: number): void {
    this.unseenMs += Math.max(0, timestamp - this.lastUpdate);
  }

  /** Ends every update: time moves on for loitering. Returns the change bits. */
  tick(timestamp: number): number {
    this.lastUpdate = timestamp;
    if (!this.#presence.checkLoitering(timestamp)) return 0;
    this.loiteringZones = this.#presence.loitering;
    return LOITERING_CHANGED;
  }

  /** Records that its current state has been reported. */
  markReported(timestamp: number): void {
    this.reportedBox = this.box;
    this.reportedTopScore = this.topScore;
    this.lastReportedAt = timestamp;
    this.bestSinceReport = false;
  }

  /** Whether the box moved since the last report by more than `reportMoveIou` allows. */
  movedSinceReport(reportMoveIou: number): boolean {
    return iou(this.box, this.reportedBox) < reportMoveIou;
  }

  #observeStillness(settings: TrackerSettings): number {
    if (iou(this.box, this.#anchor) >= settings.stationaryIou) {
      this.motionlessFrames++;
    } else {
      this.#anchor = this.box;
      this.motionlessFrames = 0;
    }
    const stationary = this.motionlessFrames >= settings.stationaryFrames;
    if (stationary === this.stationary) return 0;
    this.stationary = stationary;
    return STATIONARY_CHANGED;
  }

  #considerSnapshot(timestamp: number, context: TrackContext): void {
    const { settings, frameArea, image } = context;
    const needed = this.#bestValue * settings.snapshotImprovement;
    const next = candidate(this.box, this.score, timestamp, context, SHARPEST);
    if (settings.snapshotScore(next, frameArea) <= needed) return;
    next.sharpness = image ? sharpness(image, this.box) : 0;
    const value = settings.snapshotScore(next, frameArea);
    if (value <= needed) return;
    this.best = next;
    this.#bestValue = value;
    this.bestChanged = true;
    this.bestSinceReport = true;
  }
}

function candidate(
  box: NormalizedBox,
  score: number,
  timestamp: number,
  context: TrackContext,
  sharpnessValue: number,
): SnapshotCandidate {
  const area = Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]) * context.frameArea;
  return { timestamp, box, score, area, sharpness: sharpnessValue };
}

/** Whether `box`'s centre is `LEFT_BOX` of `origin`'s width or height or more from `origin`'s centre. */
function leftBox(origin: NormalizedBox, box: NormalizedBox): boolean {
  const dx = Math.abs(box[0] + box[2] - origin[0] - origin[2]) / 2;
  const dy = Math.abs(box[1] + box[3] - origin[1] - origin[3]) / 2;
  return dx >= LEFT_BOX * (origin[2] - origin[0]) || dy >= LEFT_BOX * (origin[3] - origin[1]);
}

function copyBox(box: NormalizedBox): NormalizedBox {
  return [box[0], box[1], box[2], box[3]];
}
