import type { ObjectsConfig } from '../../config/schema/camera';
import type { ZoneConfig } from '../../config/schema/zones';
import type { FrameSize } from '../types';
import { defaultSnapshotScore, type SnapshotScore } from './snapshotScore';

/** How an `ObjectTracker` behaves. `objects` and `frame` are required; everything else has a default. */
export interface ObjectTrackerOptions {
  /** Tracked labels and their filters; each label's `threshold` is the median score a track needs. */
  objects: ObjectsConfig;
  /** The camera's zones. */
  zones?: Readonly<Record<string, ZoneConfig>>;
  /** Detect size in pixels, for box areas. */
  frame: FrameSize;
  /** A confirmed track not seen (where the detector looked) for this long ends. Default 5 (Frigate: 5 s of frames). */
  maxDisappearedSeconds?: number;
  /** The same for a track not yet confirmed, which is more likely a false positive. Default 1. */
  tentativeMaxDisappearedSeconds?: number;
  /** Frames a track must be seen in before it can be confirmed. Default 2. */
  minHits?: number;
  /** Recent scores the median is taken over. Default 10 (as Frigate). */
  scoreHistorySize?: number;
  /** Least IoU between a predicted box and a detection to be the same object. Default 0.2. */
  matchIou?: number;
  /** Matched frames without moving that make a track stationary. Default 50 (Frigate's default at 5 fps: 10 s). */
  stationaryFrames?: number;
  /** IoU with the position where it stopped above which a box counts as not moved. Default 0.7. */
  stationaryIou?: number;
  /** Consecutive matched frames inside a zone before the object counts as in it. Default 3 (Frigate's inertia). */
  zoneEnterFrames?: number;
  /** Consecutive matched frames outside a zone before the object counts as out of it. Default 2. */
  zoneExitFrames?: number;
  /** Least time between `updated` reports caused only by movement, score or snapshot. Default 1. */
  updateIntervalSeconds?: number;
  /** IoU with the last reported box below which the box has moved enough to report. Default 0.7. */
  reportMoveIou?: number;
  /** Rise in top score worth an `updated` report. Default 0.02. */
  topScoreStep?: number;
  /** A new snapshot must rank this many times higher than the kept one (stops frame churn). Default 1.05. */
  snapshotImprovement?: number;
  /** Ranks snapshot candidates; must not fall as sharpness rises. Default `defaultSnapshotScore`. */
  snapshotScore?: SnapshotScore;
  /** Predictions do not run further ahead than this after the last sighting, in seconds. Default 1. */
  predictionHorizonSeconds?: number;
  /** Makes track ids. Default: Frigate's form, `<epoch seconds>.<micro>-<6 random base-36 chars>`. */
  newId?: (timestamp: number) => string;
}

/** Options with every default filled in. */
export type TrackerSettings = Required<ObjectTrackerOptions>;

/** Fills in the defaults. */
export function trackerSettings(options: ObjectTrackerOptions): TrackerSettings {
  return {
    zones: {},
    maxDisappearedSeconds: 5,
    tentativeMaxDisappearedSeconds: 1,
    minHits: 2,
    scoreHistorySize: 10,
    matchIou: 0.2,
    stationaryFrames: 50,
    stationaryIou: 0.7,
    zoneEnterFrames: 3,
    zoneExitFrames: 2,
    updateIntervalSeconds: 1,
    reportMoveIou: 0.7,
    topScoreStep: 0.02,
    snapshotImprovement: 1.05,
    snapshotScore: defaultSnapshotScore,
    predictionHorizonSeconds: 1,
    newId: frigateStyleId,
    ...withoutUndefined(options),
    objects: options.objects,
    frame: options.frame,
  };
}

/** A track id like Frigate's (`1718000000.123456-k3x9qa`): unique across restarts, sortable by start. */
function frigateStyleId(timestamp: number): string {
  const random = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${(timestamp / 1000).toFixed(6)}-${random}`;
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
