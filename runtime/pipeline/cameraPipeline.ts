import type { Logger } from '../../base/logger';
import type { CameraSourceStats, CameraStatus, Frame } from '../../hal/camera/types';
import type { Detection, NormalizedBox } from '../../models/types';
import type { CameraConfig, MotionConfig } from '../config/schema/camera';
import type { EventInput } from '../domain/eventModel';
import { newEventId } from '../events/eventId';
import type { FacesService } from '../faces/facesService';
import type { SnapshotSaver } from '../media/snapshots/snapshotSaver';
import { boxToRegion, cropRgb } from './cropFrame';
import type { RegionDetector } from './detectorScheduler';
import { MotionDetector } from './motion/index';
import { ObjectSnapshots } from './objectSnapshots';
import { cameraStatusEvent, faceEvent, motionEvent, trackEvent } from './pipelineEvents';
import type { CameraStats } from './pipelineStats';
import type { CameraActivity } from './pipelineTopics';
import { RateMeter } from './rateMeter';
import { readAhead } from './readAhead';
import {
  detectionRegions,
  FullFramePass,
  mapToFrame,
  mergeDetections,
  regionToBox,
  trackRegionBoxes,
} from './regions/index';
import { StageTimer } from './stageTimer';
import { filterDetections, ObjectTracker, type TrackedObject, type TrackerUpdate } from './tracking/index';
import type { DetectionRegion, MotionRegion, MotionResult } from './types';

/** Finds and identifies faces in a person's crop, and keeps unknown ones for review: the faces service. */
export type FaceRecognizerPort = Pick<FacesService, 'recognize' | 'recordUnknown'>;

export interface CameraPipelineDeps {
  camera: string;
  config: CameraConfig;
  /** The camera source's counters (frames received and skipped). */
  sourceStats: () => CameraSourceStats;
  /** Null when detection is off for this camera. Normally its detector's scheduler (DetectorScheduler.forCamera). */
  detector: RegionDetector | null;
  /** The detector model's square input size, for region sizing. */
  modelInputSize: number;
  faces: FaceRecognizerPort | null;
  /** Hands an event to the event processor (fire and forget: frames never wait for the disk). */
  publish: (event: EventInput) => void;
  logger: Logger;
  /** Sees each processed frame's results (the MJPEG streams, tests and the benchmark). */
  observe?: (observation: FrameObservation) => void;
  /** Keeps each reported object's best frame as snapshot files (when `config.snapshots.enabled`). */
  snapshots?: SnapshotSaver;
  /** Told when motion starts or stops, or the reported objects (counts, stationary) change. */
  activity?: (activity: CameraActivity) => void;
}

/** What the pipeline made of one frame. */
export interface FrameObservation {
  frame: Frame;
  motion: MotionResult;
  detections: Detection[];
  update: TrackerUpdate;
}

/** Frames between detector re-checks of a stationary object (Frigate re-checks them periodically). */
const STATIONARY_RECHECK_FRAMES = 25;
/**
 * Motion boxes adding up to less than this fraction of the frame are weak: a slow or distant
 * walker (a 30×80 px person is 0.5 % of 768×576) may be all there is, so the full-frame pass runs.
 */
const WEAK_MOTION_FRACTION = 0.02;
/** Least time between face attempts on one person, and how many attempts before giving up. */
const FACE_RETRY_MS = 1000;
const FACE_MAX_ATTEMPTS = 10;
/**
 * Frames asked of the source while one is processed. With the source's own slot for its newest
 * frame, two frames may wait: a frame slowed by other cameras' regions at the detector costs no
 * frame, and frames are skipped only when the detector is behind for longer (bench:pipeline, busy
 * cameras). Each waiting frame adds one frame interval of delay at most (200 ms at 5 fps).
 */
const FRAMES_AHEAD = 1;

interface FaceState {
  attempts: number;
  lastAttemptAt: number;
  reported: string | null;
}

/**
 * One camera's frame loop: motion → region detection → filters → tracker → faces, turning what
 * it sees into events (tracked objects new/update/end, face results, motion, camera on/offline).
 * The next frame is asked for while one is processed (FRAMES_AHEAD); when the loop stays slower
 * than the camera, the source drops frames and counts them (skipped_fps).
 */
export class CameraPipeline {
  readonly timer = new StageTimer(['motion', 'detection', 'tracking', 'snapshots', 'faces']);
  readonly #deps: CameraPipelineDeps;
  readonly #motion: MotionDetector;
  readonly #tracker: ObjectTracker;
  readonly #fullFrame: FullFramePass;
  readonly #frameSize: { width: number; height: number };
  readonly #meters = {
    camera: new RateMeter(),
    process: new RateMeter(),
    skipped: new RateMeter(),
    detection: new RateMeter(),
  };
  readonly #faceStates = new Map<string, FaceState>();
  /** Null when this camera keeps no snapshots. */
  readonly #snapshots: ObjectSnapshots | null;
  /** Objects reported `new` (and so owed an `end`). */
  readonly #reported = new Set<string>();
  #seen = { received: 0, skipped: 0 };
  #status: CameraStatus = { state: 'offline', reason: 'starting' };
  #motionActive = false;
  /** Motion and object counts last announced, to announce only changes. */
  #lastActivity = '';
  #frameNumber = 0;
  #latest: { frame: Frame; objects: readonly TrackedObject[] } | null = null;
  /** Settings changed at run time (API, MQTT) start as the config's. */
  #motionConfig: MotionConfig;
  #detectEnabled: boolean;
  /** Its frames come with the sensor's detections (the AI Camera): detection runs without a detector. */
  #detectsOnSensor = false;

  constructor(deps: CameraPipelineDeps) {
    this.#deps = deps;
    const { config } = deps;
    this.#frameSize = { width: config.detect.width, height: config.detect.height };
    this.#motionConfig = config.motion;
    this.#detectEnabled = config.detect.enabled;
    this.#motion = new MotionDetector(config.motion, config.detect.width, config.detect.height);
    this.#tracker = new ObjectTracker({
      objects: config.objects,
      zones: config.zones,
      frame: this.#frameSize,
    });
    this.#fullFrame = new FullFramePass(
      config.detect.full_frame_interval,
      this.#frameSize,
      deps.modelInputSize,
    );
    this.#snapshots =
      deps.snapshots && config.snapshots.enabled
        ? new ObjectSnapshots({ camera: deps.camera, saver: deps.snapshots, zones: config.zones })
        : null;
  }

  /** The camera source reports a status change (wired by whoever creates the source). */
  onStatus(status: CameraStatus): void {
    this.#status = status;
    this.#deps.publish(cameraStatusEvent(this.#deps.camera, status, Date.now()));
  }

  /** Runs until the frames end (the source is stopped). */
  async run(frames: AsyncIterable<Frame>): Promise<void> {
    for await (const frame of readAhead(frames, FRAMES_AHEAD)) {
      try {
        await this.process(frame);
      } catch (err) {
        this.#deps.logger.error(
          { err, seq: frame.seq },
          'frame processing failed; continuing with the next frame',
        );
      }
    }
    // The camera stopped: what it was following ends now, so no incident is left open.
    const now = Math.max(Date.now(), this.#latest?.frame.timestamp ?? 0);
    const ended = this.#tracker.endAll(now);
    await this.#report({ started: [], updated: [], ended, bestChanged: [] }, now);
    this.#snapshots?.clear();
    this.#motionActive = false;
    this.#announceActivity(now);
  }

  /** Runs one frame through the pipeline. */
  async process(frame: Frame): Promise<void> {
    this.#countSourceFrames();
    this.#meters.process.mark();
    this.#frameNumber++;
    const { camera, publish } = this.#deps;

    const motion = this.timer.time('motion', () => this.#motion.detect(frame));
    if (motion.active && !this.#motionActive && motion.regions.length > 0) {
      const area = motion.regions.reduce((sum, r) => sum + r.area, 0);
      publish(motionEvent(camera, motion.regions.length, area, frame.timestamp));
    }
    this.#motionActive = motion.active;

    const { detections, searched } = await this.timer.timeAsync('detection', () =>
      this.#detect(frame, motion.regions),
    );
    const update = this.timer.time('tracking', () =>
      this.#tracker.update(detections, frame.timestamp, { image: frame, searched }),
    );
    this.#snapshots?.keep(update, frame, this.#tracker.tracks);
    // Saving a snapshot (a few ms of JPEG encoding) comes before the event that names it.
    await this.timer.timeAsync('snapshots', () => this.#report(update, frame.timestamp));
    await this.timer.timeAsync('faces', () => this.#recognizeFaces(frame));
    // What is on this frame: a confirmed track the detector missed keeps its incident open but is
    // not drawn where it was last seen (see `currentTracks`).
    this.#latest = { frame, objects: this.#tracker.currentTracks() };
    this.#announceActivity(frame.timestamp);
    this.#deps.observe?.({ frame, motion, detections, update });
  }

  /**
   * Tracked objects become events: `new` once confirmed (and, with `objects.required_zones`, once
   * it has entered one of them), `update` after that, `end` only for objects that were reported.
   * Each carries the object's snapshot once one is saved.
   */
  async #report(update: TrackerUpdate, timestamp: number): Promise<void> {
    const { camera, publish, config } = this.#deps;
    const required = config.objects.required_zones;
    for (const track of [...update.started, ...update.updated]) {
      if (this.#reported.has(track.id)) {
        const snapshot = await this.#snapshots?.pathFor(track, 'update', timestamp);
        publish(trackEvent(camera, 'update', track, timestamp, snapshot));
        continue;
      }
      if (required.length > 0 && !track.enteredZones.some((zone) => required.includes(zone))) continue;
      this.#reported.add(track.id);
      const snapshot = await this.#snapshots?.pathFor(track, 'new', timestamp);
      publish(trackEvent(camera, 'new', track, timestamp, snapshot));
    }
    for (const track of update.ended) {
      if (this.#reported.delete(track.id)) {
        const snapshot = await this.#snapshots?.pathFor(track, 'end', timestamp);
        publish(trackEvent(camera, 'end', track, timestamp, snapshot));
      }
      this.#snapshots?.forget(track.id);
      this.#faceStates.delete(track.id);
    }
  }

  /** Tells `activity` when motion or the reported objects changed since the last call. */
  #announceActivity(at: number): void {
    const announce = this.#deps.activity;
    if (!announce) return;
    const objects: CameraActivity['objects'] = {};
    for (const track of this.#tracker.confirmedTracks()) {
      if (!this.#reported.has(track.id)) continue;
      const counts = objects[track.label] ?? { count: 0, active: 0 };
      counts.count += 1;
      if (!track.stationary) counts.active += 1;
      objects[track.label] = counts;
    }
    const key = `${this.#motionActive}|${JSON.stringify(objects)}`;
    if (key === this.#lastActivity) return;
    this.#lastActivity = key;
    announce({ camera: this.#deps.camera, motion: this.#motionActive, objects, at });
  }

  /** Changes motion settings or turns detection on/off from the next frame on (not saved to the config file). */
  tune(changes: { motion?: Partial<MotionConfig>; detectEnabled?: boolean }): {
    motion: MotionConfig;
    detectEnabled: boolean;
  } {
    if (changes.motion) {
      this.#motionConfig = { ...this.#motionConfig, ...changes.motion };
      this.#motion.update(this.#motionConfig);
    }
    if (changes.detectEnabled !== undefined) this.#detectEnabled = changes.detectEnabled;
    return { motion: this.#motionConfig, detectEnabled: this.#detectEnabled };
  }

  /** The latest frame and the confirmed objects seen on it (not missing), for the status page's snapshot. */
  latest(): { frame: Frame; objects: readonly TrackedObject[] } | null {
    return this.#latest;
  }

  stats(): CameraStats {
    this.#countSourceFrames();
    const { detector } = this.#deps;
    return {
      camera_fps: this.#meters.camera.perSecond(),
      process_fps: this.#meters.process.perSecond(),
      skipped_fps: this.#meters.skipped.perSecond(),
      detection_fps: this.#meters.detection.perSecond(),
      online: this.#status.state === 'online',
      motion: this.#motionActive,
      tracked_objects: this.#tracker.confirmedTracks().length,
      detection_enabled: (detector !== null || this.#detectsOnSensor) && this.#detectEnabled,
      motion_enabled: this.#motionConfig.enabled,
      offline_reason: this.#status.state === 'offline' ? (this.#status.reason ?? null) : null,
    };
  }

  async #detect(
    frame: Frame,
    motionRegions: Parameters<typeof detectionRegions>[0],
  ): Promise<{ detections: Detection[]; searched: NormalizedBox[] | undefined }> {
    const { detector, config, modelInputSize } = this.#deps;
    if (!this.#detectEnabled) return { detections: [], searched: undefined };
    // The camera detected on its sensor (the AI Camera): over the whole frame, no detector run.
    if (frame.detections) {
      this.#detectsOnSensor = true;
      const found = filterDetections(mergeDetections(frame.detections), config.objects, this.#frameSize);
      return { detections: found, searched: [[0, 0, 1, 1]] };
    }
    if (!detector) return { detections: [], searched: undefined };
    const tracked = trackRegionBoxes(
      this.#tracker.tracks,
      frame.timestamp,
      this.#frameNumber,
      STATIONARY_RECHECK_FRAMES,
    );
    const regions = detectionRegions(motionRegions, tracked, this.#frameSize, modelInputSize);
    const tile = this.#fullFramePassTile(frame, motionRegions, regions);
    if (tile) regions.push(tile);
    // All regions at once: the scheduler runs them on the detector's instances side by side.
    const results = await Promise.all(
      regions.map((region) =>
        detector.detect(cropRgb(frame, region), { tracked: region.reason === 'tracked' }),
      ),
    );
    const found: Detection[] = [];
    const searched: NormalizedBox[] = [];
    for (const [index, result] of results.entries()) {
      const region = regions[index];
      // A region the scheduler dropped was not searched: tracks there are not missed on this frame.
      if (!region || result === null) continue;
      found.push(...mapToFrame(result, region, this.#frameSize));
      searched.push(regionToBox(region, this.#frameSize));
      this.#meters.detection.mark();
    }
    return {
      detections: filterDetections(mergeDetections(found), config.objects, this.#frameSize),
      searched,
    };
  }

  /**
   * This frame's share of the low-rate whole-frame look (slow walkers motion misses), which waits
   * while a moving object is tracked and motion is strong.
   */
  #fullFramePassTile(
    frame: Frame,
    motionRegions: readonly MotionRegion[],
    regions: readonly DetectionRegion[],
  ): DetectionRegion | null {
    let motionArea = 0;
    for (const { box } of motionRegions) motionArea += (box[2] - box[0]) * (box[3] - box[1]);
    const busy =
      motionArea >= WEAK_MOTION_FRACTION && this.#tracker.tracks.some((track) => !track.stationary);
    const covered = regions.some(
      (region) => region.reason === 'full' && region.width === this.#frameSize.width,
    );
    return this.#fullFrame.tileFor(frame.timestamp, busy, covered, frame);
  }

  /** Looks for a face on each confirmed person until one is recognised; reports each new verdict. */
  async #recognizeFaces(frame: Frame): Promise<void> {
    const { faces, camera, publish } = this.#deps;
    if (!faces) return;
    // Not a missing track: its box is where the person was, a crop with nobody in it.
    for (const track of this.#tracker.currentTracks()) {
      if (track.label !== 'person') continue;
      const state = this.#faceStates.get(track.id) ?? { attempts: 0, lastAttemptAt: 0, reported: null };
      this.#faceStates.set(track.id, state);
      const settled = state.reported !== null && state.reported !== 'unknown';
      if (settled || state.attempts >= FACE_MAX_ATTEMPTS) continue;
      if (frame.timestamp - state.lastAttemptAt < FACE_RETRY_MS) continue;
      state.attempts++;
      state.lastAttemptAt = frame.timestamp;
      const region = boxToRegion(track.box, frame, 0.1);
      const crop = cropRgb(frame, region);
      const matches = await faces.recognize(crop);
      const best = matches.sort((a, b) => area(b.box) - area(a.box))[0];
      if (!best) continue;
      // Unknown is reported once and retried (a better view may recognise them); a name settles it.
      const verdict = best.kind === 'unknown' ? 'unknown' : `${best.kind}:${best.name ?? ''}`;
      if (verdict === state.reported) continue;
      state.reported = verdict;
      const box = toFrameBox(best.box, region, frame);
      const face = { kind: best.kind, name: best.name, score: best.score, box };
      // Our own id, so the kept unknown face points at its event.
      const event = { ...faceEvent(camera, track, face, frame.timestamp), id: newEventId(frame.timestamp) };
      publish(event);
      if (best.kind === 'unknown')
        await faces.recordUnknown(crop, best, { camera, eventId: event.id, seenAt: frame.timestamp });
    }
  }

  #countSourceFrames(): void {
    const stats = this.#deps.sourceStats();
    this.#meters.camera.mark(stats.framesReceived - this.#seen.received);
    this.#meters.skipped.mark(stats.framesSkipped - this.#seen.skipped);
    this.#seen = { received: stats.framesReceived, skipped: stats.framesSkipped };
  }
}

function area(box: NormalizedBox): number {
  return (box[2] - box[0]) * (box[3] - box[1]);
}

/** A box found in a crop, as fractions of the whole frame. */
function toFrameBox(
  box: NormalizedBox,
  region: { x: number; y: number; width: number; height: number },
  frame: { width: number; height: number },
): NormalizedBox {
  return [
    (region.x + box[0] * region.width) / frame.width,
    (region.y + box[1] * region.height) / frame.height,
    (region.x + box[2] * region.width) / frame.width,
    (region.y + box[3] * region.height) / frame.height,
  ];
}
