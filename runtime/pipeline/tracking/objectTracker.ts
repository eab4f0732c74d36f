import type { RgbImage } from '../../../base/image/rgbImage';
import type { Detection, NormalizedBox } from '../../../models/types';
import { APPEARANCE_SIZE, measureAppearance } from './appearance';
import { labelFilter } from './objectFilters';
import { LOITERING_CHANGED, STATIONARY_CHANGED, Track, type TrackContext, ZONES_CHANGED } from './track';
import type { TrackedObject } from './trackedObject';
import { type ObjectTrackerOptions, type TrackerSettings, trackerSettings } from './trackerOptions';
import { TrackMatcher } from './trackMatcher';
import { type CompiledZone, compileZones } from './zones';

/** What one `update` changed. Each list holds live objects; read them before the next `update`. */
export interface TrackerUpdate {
  /** Became true positives on this frame (reported once, never before confirmation). */
  started: TrackedObject[];
  /** Confirmed before, and their reportable state changed (zones, loitering, stationary at once;
   * movement, top score or a better snapshot at most once per `updateIntervalSeconds`). */
  updated: TrackedObject[];
  /** Confirmed objects that ended (unseen too long); tentative ones disappear silently. */
  ended: TrackedObject[];
  /** Objects, confirmed or not, whose best snapshot is now this frame: keep the frame to snapshot them. */
  bestChanged: TrackedObject[];
}

/** Per-frame extras for `update`. */
export interface TrackerFrameInput {
  /** The frame the detections came from; lets the snapshot choice weigh sharpness. */
  image?: RgbImage;
  /**
   * Where the detector looked (boxes as fractions of the frame, e.g. `regionToBox` of each region).
   * A track whose predicted centre is outside all of them is not counted as missed (a stationary
   * object between periodic re-checks). Omitted: the whole frame was searched.
   */
  searched?: readonly NormalizedBox[];
  /**
   * The detections' appearances (`APPEARANCE_SIZE` numbers each, in detection order), when the
   * caller measured them (a replay of recorded detections); otherwise they are measured on `image`.
   */
  appearances?: Float64Array;
}

const REPORT_AT_ONCE = ZONES_CHANGED | STATIONARY_CHANGED | LOITERING_CHANGED;

/**
 * A tentative track is the same object as a confirmed one the detector lost (see `#reidentify`)
 * when it first appeared within this many box sizes of where that one was expected then (a walker
 * covers 2-3 box widths a second; the prediction follows a straight walk for
 * `predictionHorizonSeconds`, not a turn or a stop)…
 */
const REID_DISTANCE = 2;
/**
 * …and its colours differ from that one's by at most this much (0-255, see appearance.ts): below
 * the matcher's `APPEARANCE_SCALE` (40), where colours count fully against a pair, leaving room
 * for a walker's colours changing with the light and the pose.
 */
const REID_APPEARANCE = 30;

/**
 * Follows objects across one camera's frames: matches detections to tracks of the same label by
 * the least total cost of IoU, centre distance and size change against each track's predicted box
 * (a filtered centre moving at a filtered velocity; see `TrackMatcher`) and, given the frame, of
 * colour (the upper body's and the legs'; see appearance.ts), so ids survive crossings
 * and a few missed frames (a missed track coasts on its prediction for up to
 * `predictionHorizonSeconds`). Confirms a track once it has been seen in `minHits` frames and the
 * median of its recent scores reaches the label's `threshold`, and ends it after
 * `maxDisappearedSeconds` unseen where the detector looked. Keeps zones, loitering, stillness, top score and
 * the best snapshot per track. Pure and synchronous; timestamps are ms and must not go backwards.
 */
export class ObjectTracker {
  readonly #settings: TrackerSettings;
  readonly #zones: readonly CompiledZone[];
  readonly #matcher = new TrackMatcher();
  #tracks: Track[] = [];
  #predicted = new Float64Array(64);
  #appearances = new Float64Array(APPEARANCE_SIZE * 16);
  #serial = 0;
  /** Tentative tracks that earned confirmation on this update (see `#settle`). */
  #earned: Track[] = [];

  constructor(options: ObjectTrackerOptions) {
    this.#settings = trackerSettings(options);
    this.#zones = compileZones(this.#settings.zones);
  }

  /** Every live track, tentative ones included (for detection regions). */
  get tracks(): readonly TrackedObject[] {
    return this.#tracks;
  }

  /** Live tracks that are true positives. */
  confirmedTracks(): TrackedObject[] {
    return this.#tracks.filter((track) => track.confirmed);
  }

  /**
   * The true positives that are in view as far as the detector knows: confirmed and not missing.
   * A missing track stays alive (and its incident open) for `maxDisappearedSeconds` so it can take
   * its object back, but its box is where the object was, not where it is: recorded on vtest, such
   * coasting boxes overlapped a person no other box already covered on 3 of 131 annotated frames,
   * mostly being a second track left behind on a person another track had taken.
   */
  currentTracks(): TrackedObject[] {
    return this.#tracks.filter((track) => track.confirmed && !track.missing);
  }

  /** Takes one frame's (filtered, frame-normalised) detections taken at `timestamp` (ms). */
  update(detections: readonly Detection[], timestamp: number, input: TrackerFrameInput = {}): TrackerUpdate {
    const settings = this.#settings;
    const context: TrackContext = {
      settings,
      frameArea: settings.frame.width * settings.frame.height,
      image: input.image,
    };
    const result: TrackerUpdate = { started: [], updated: [], ended: [], bestChanged: [] };
    const tracks = this.#tracks;
    this.#predict(timestamp);
    const appearances = this.#measure(detections, input);
    this.#matcher.match(
      tracks,
      this.#predicted,
      detections,
      settings.matchIou,
      appearances
        ? (t, d) => (tracks[t] as Track).appearanceDistance(appearances, d * APPEARANCE_SIZE)
        : undefined,
    );
    const trackToDetection = this.#matcher.trackToDetection;
    let kept = 0;
    for (let t = 0; t < tracks.length; t++) {
      const track = tracks[t] as Track;
      track.bestChanged = false;
      const matched = trackToDetection[t] as number;
      let changes = 0;
      if (matched >= 0) {
        changes = track.observe(detections[matched] as Detection, timestamp, context);
        if (appearances) track.blendAppearance(appearances, matched * APPEARANCE_SIZE);
      } else if (this.#lookedAt(t, input.searched)) {
        track.miss(timestamp);
      }
      changes |= track.tick(timestamp);
      if (this.#gone(track)) {
        track.endedAt = timestamp;
        if (track.confirmed) result.ended.push(track);
        continue;
      }
      tracks[kept++] = track;
      this.#report(track, changes, matched >= 0, timestamp, result);
    }
    tracks.length = kept;
    const detectionToTrack = this.#matcher.detectionToTrack;
    for (let d = 0; d < detections.length; d++) {
      if (detectionToTrack[d] !== -1) continue;
      const track = new Track(
        settings.newId(timestamp),
        ++this.#serial,
        detections[d] as Detection,
        timestamp,
        this.#zones,
        context,
      );
      if (appearances) track.blendAppearance(appearances, d * APPEARANCE_SIZE);
      tracks.push(track);
      this.#report(track, 0, true, timestamp, result);
    }
    this.#settle(timestamp, result);
    return result;
  }

  /** Ends every track (the camera stopped); returns the confirmed ones, which need an end report. */
  endAll(timestamp: number): TrackedObject[] {
    const ended: TrackedObject[] = [];
    for (const track of this.#tracks) {
      track.endedAt = timestamp;
      if (track.confirmed) ended.push(track);
    }
    this.#tracks = [];
    return ended;
  }

  /** The detections' appearances: given, measured on the frame, or none (no image). */
  #measure(detections: readonly Detection[], input: TrackerFrameInput): Float64Array | undefined {
    if (input.appearances) return input.appearances;
    const image = input.image;
    if (!image) return undefined;
    if (this.#appearances.length < detections.length * APPEARANCE_SIZE)
      this.#appearances = new Float64Array(detections.length * APPEARANCE_SIZE * 2);
    for (let d = 0; d < detections.length; d++)
      measureAppearance(image, (detections[d] as Detection).box, this.#appearances, d * APPEARANCE_SIZE);
    return this.#appearances;
  }

  #predict(timestamp: number): void {
    const tracks = this.#tracks;
    if (this.#predicted.length < tracks.length * 4) this.#predicted = new Float64Array(tracks.length * 8);
    for (let t = 0; t < tracks.length; t++)
      (tracks[t] as Track).writePrediction(timestamp, this.#predicted, t * 4);
  }

  /** Whether the detector looked where track `t` was predicted (its predicted centre is in a searched box). */
  #lookedAt(t: number, searched: readonly NormalizedBox[] | undefined): boolean {
    if (searched === undefined) return true;
    const p = this.#predicted;
    const x = ((p[t * 4] as number) + (p[t * 4 + 2] as number)) / 2;
    const y = ((p[t * 4 + 1] as number) + (p[t * 4 + 3] as number)) / 2;
    // Predicted out of the frame: it walked out of view, where no region can look (regions are
    // clipped to the frame). Counting that as not looked at kept such tracks alive for ever, to
    // take the next person entering there.
    if (x < 0 || x > 1 || y < 0 || y > 1) return true;
    return searched.some((box) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]);
  }

  #gone(track: Track): boolean {
    const limit = track.confirmed
      ? this.#settings.maxDisappearedSeconds
      : this.#settings.tentativeMaxDisappearedSeconds;
    return track.unseenMs >= limit * 1000;
  }

  /**
   * Whether a tentative track has earned confirmation: `minHits` sightings and a median of its
   * recent scores at the label's threshold (Frigate's rule). A track that has never left the box it
   * appeared in has shown nothing but its scores at one place, so the mean of all of them must
   * reach the threshold too: on vtest a traffic cone scored 0.35-0.5 as a person for four seconds,
   * then 0.56 for eight frames in a row, enough for the median of the last ten. A walker leaves its
   * first box within a frame or two and is judged as before; a person standing still who looks
   * like one all along passes both.
   */
  #hasEarned(track: Track): boolean {
    const threshold = labelFilter(this.#settings.objects, track.label).threshold;
    if (track.hits < this.#settings.minHits || track.medianScore < threshold) return false;
    return track.movedEver || track.meanScore >= threshold;
  }

  /**
   * Confirms the tracks that earned it on this update, each as a new object unless it is an
   * object a confirmed track lost a moment ago: then that track takes it up again (one person, one
   * id, one incident) and the tentative one goes, never reported.
   */
  #settle(timestamp: number, result: TrackerUpdate): void {
    if (this.#earned.length === 0) return;
    for (const track of this.#earned) {
      const lost = this.#reidentify(track);
      if (!lost) {
        track.confirmed = true;
        track.confirmedAt = timestamp;
        track.markReported(timestamp);
        result.started.push(track);
        continue;
      }
      lost.resume(track);
      this.#tracks.splice(this.#tracks.indexOf(track), 1);
      lost.markReported(timestamp);
      if (!result.updated.includes(lost)) result.updated.push(lost);
    }
    this.#earned.length = 0;
  }

  /**
   * The confirmed track that `newer` most likely is, or none: one not seen since `newer` appeared
   * (so not a second object beside it), expected at that moment within `REID_DISTANCE` box sizes of
   * where `newer` appeared, at a similar size and in similar colours; the nearest of them. A track
   * loses its object when detections lapse for a few frames while the walker turns or stops, and
   * its prediction runs on; without this, whoever picks the person up again opens a new incident.
   */
  #reidentify(newer: Track): Track | undefined {
    let best: Track | undefined;
    let bestDistance = REID_DISTANCE;
    for (const track of this.#tracks) {
      if (!track.confirmed || track === newer) continue;
      const distance = track.distanceTo(newer);
      if (distance > bestDistance || track.appearanceDistanceTo(newer) > REID_APPEARANCE) continue;
      best = track;
      bestDistance = distance;
    }
    return best;
  }

  /** Confirms a track when it has earned it, or reports it as updated when that is worth it. */
  #report(track: Track, changes: number, seen: boolean, timestamp: number, result: TrackerUpdate): void {
    const settings = this.#settings;
    if (track.bestChanged) result.bestChanged.push(track);
    if (!track.confirmed) {
      if (seen && this.#hasEarned(track)) this.#earned.push(track);
      return;
    }
    const worthIt =
      (changes & REPORT_AT_ONCE) !== 0 ||
      (timestamp - track.lastReportedAt >= settings.updateIntervalSeconds * 1000 &&
        (track.movedSinceReport(settings.reportMoveIou) ||
          track.topScore >= track.reportedTopScore + settings.topScoreStep ||
          track.bestSinceReport));
    if (!worthIt) return;
    track.markReported(timestamp);
    result.updated.push(track);
  }
}
