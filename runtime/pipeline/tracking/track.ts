import { iou } from '../../../base/geometry';
import type { RgbImage } from '../../../base/image/rgbImage';
import type { Detection, NormalizedBox } from '../../../models/types';
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
  /** State last reported, to tell whether an update is worth reporting. */
  reportedBox: NormalizedBox;
  reportedTopScore = 0;
  lastReportedAt = 0;
  bestSinceReport = false;

  /** Change of each box coordinate per ms. */
  readonly #velocity = new Float64Array(4);
  /** Where it was when it last moved; staying near it counts as not moving. */
  #anchor: NormalizedBox;
  #bestValue: number;
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
    this.reportedBox = this.box;
    this.#anchor = this.box;
    this.score = detection.score;
    this.#scores = new ScoreHistory(settings.scoreHistorySize);
    this.#scores.push(detection.score);
    this.medianScore = this.#scores.median(MIN_MEDIAN_COUNT);
    this.topScore = this.medianScore;
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
    const elapsed = this.#predictionSpan(timestamp);
    const velocity = this.#velocity;
    const box = this.box;
    return [
      box[0] + (velocity[0] as number) * elapsed,
      box[1] + (velocity[1] as number) * elapsed,
      box[2] + (velocity[2] as number) * elapsed,
      box[3] + (velocity[3] as number) * elapsed,
    ];
  }

  /** Writes the predicted box at `timestamp` into `out` at `offset` (no allocation, for matching). */
  writePrediction(timestamp: number, out: Float64Array, offset: number): void {
    const elapsed = this.#predictionSpan(timestamp);
    for (let k = 0; k < 4; k++)
      out[offset + k] = (this.box[k] as number) + (this.#velocity[k] as number) * elapsed;
  }

  #predictionSpan(timestamp: number): number {
    return Math.min(Math.max(0, timestamp - this.lastSeen), this.#horizonMs);
  }

  /** Takes a matching detection into account; returns the change bits. */
  observe(detection: Detection, timestamp: number, context: TrackContext): number {
    const { settings } = context;
    const box = copyBox(detection.box);
    const elapsed = timestamp - this.lastSeen;
    if (elapsed > 0) {
      for (let k = 0; k < 4; k++) {
        const velocity = ((box[k] as number) - (this.box[k] as number)) / elapsed;
        // Smoothed, except the first estimate, which has nothing to smooth with.
        this.#velocity[k] = this.hits === 1 ? velocity : 0.5 * (this.#velocity[k] as number) + 0.5 * velocity;
      }
    }
    this.box = box;
    this.score = detection.score;
    this.#scores.push(detection.score);
    this.medianScore = this.#scores.median(MIN_MEDIAN_COUNT);
    if (this.medianScore > this.topScore) this.topScore = this.medianScore;
    this.hits++;
    this.lastSeen = timestamp;
    this.unseenMs = 0;
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

function copyBox(box: NormalizedBox): NormalizedBox {
  return [box[0], box[1], box[2], box[3]];
}
