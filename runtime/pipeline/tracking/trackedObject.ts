import type { NormalizedBox } from '../../../models/types';
import type { SnapshotCandidate } from './snapshotScore';

/**
 * One object followed across frames by an `ObjectTracker`. Read-only to everyone but the tracker,
 * which changes it on each `update`. Arrays and boxes are replaced, never changed in place, so a
 * report built from one stays as it was. Has the fields of the pipeline's `TrackReport`, so it can
 * be passed to `trackEvent` directly. Times are ms since the epoch.
 */
export interface TrackedObject {
  /** Stable for the object's life, unique across restarts (Frigate's form by default). */
  readonly id: string;
  /** 1, 2, 3 … per tracker; spreads periodic re-checks of stationary objects over frames. */
  readonly serial: number;
  readonly label: string;
  /** First sighting. */
  readonly startedAt: number;
  /** When it became a true positive (and was reported `started`); null while tentative. */
  readonly confirmedAt: number | null;
  /** True once the median of its recent scores reached the label's threshold after enough sightings. */
  readonly confirmed: boolean;
  /** Score of the latest sighting. */
  readonly score: number;
  /** Median of the recent scores, padded with zeros to 3 while younger (Frigate's computed score). */
  readonly medianScore: number;
  /** Highest median score so far. */
  readonly topScore: number;
  /** Box of the latest sighting, as fractions of the frame. */
  readonly box: NormalizedBox;
  /** Frames it was matched in. */
  readonly hits: number;
  /** Latest sighting. */
  readonly lastSeen: number;
  /**
   * The detector looked where it was expected after `lastSeen` and did not find it: the track
   * coasts (kept alive to take the object back), and `box` is where it was, not where it is.
   */
  readonly missing: boolean;
  /** Has not moved for the configured number of frames. */
  readonly stationary: boolean;
  /** Matched frames since it last moved. */
  readonly motionlessFrames: number;
  /** Zones it is in now. */
  readonly currentZones: string[];
  /** Same list as `currentZones`, under `TrackReport`'s name. */
  readonly zones: string[];
  /** Zones it has ever been in, in order of entry. */
  readonly enteredZones: string[];
  /** Zones it has stayed in for at least their `loitering_seconds`. */
  readonly loiteringZones: string[];
  /** The best sighting so far for a snapshot. */
  readonly best: SnapshotCandidate;
  /** `best` became this update's frame. */
  readonly bestChanged: boolean;
  /** When the tracker ended it; null while alive. */
  readonly endedAt: number | null;
  /** Seconds it has been in `zone` (from its first sighting inside) up to the latest update; 0 if not in it. */
  loiteringSeconds(zone: string): number;
  /** Where it is expected at `timestamp`: its filtered centre moved on at its filtered velocity (for at most the prediction horizon), at its smoothed size. */
  predictedBox(timestamp: number): NormalizedBox;
}
