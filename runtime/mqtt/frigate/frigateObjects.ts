import { type Severity, severityRank, type VigilEvent } from '../../domain/eventModel';
import type { Decision } from '../../rules/decision';

/** A box in pixels of the camera's detect size: `[x1, y1, x2, y2]`, integers. */
type PixelBox = [number, number, number, number];

/** One detected attribute of an object in one frame (Vigil knows one kind: a face). */
interface FrigateAttribute {
  label: string;
  box: PixelBox;
  score: number;
}

/** The frame a tracked object's snapshot was taken from, as Frigate describes it. */
interface FrigateSnapshot {
  /** Seconds since the epoch. */
  frame_time: number;
  box: PixelBox;
  area: number;
  region: PixelBox;
  score: number;
  attributes: FrigateAttribute[];
}

/**
 * A tracked object as Frigate publishes it in `before` / `after` of `frigate/events`
 * (frigate/track/tracked_object.py `to_dict`), field for field, with Frigate's types: times in
 * seconds since the epoch, boxes and areas in pixels of the detect size.
 */
interface FrigateTrackedObject {
  id: string;
  camera: string;
  frame_time: number;
  snapshot: FrigateSnapshot | null;
  label: string;
  /** `[name, score]` once a face was recognised on the person, else null. */
  sub_label: [string, number] | null;
  top_score: number;
  false_positive: boolean;
  start_time: number;
  end_time: number | null;
  score: number;
  box: PixelBox;
  area: number;
  /** Width / height of the box. */
  ratio: number;
  /** The square area of the frame the detector looked at around the object. */
  region: PixelBox;
  /** Strictly the opposite of `stationary`. */
  active: boolean;
  stationary: boolean;
  /** Frames the object has not moved for (estimated from the detect fps while it is stationary). */
  motionless_count: number;
  /** Times the object started moving (1 for an object first seen moving). */
  position_changes: number;
  current_zones: string[];
  entered_zones: string[];
  has_clip: boolean;
  has_snapshot: boolean;
  /** Best score of each attribute seen on the object (`face`). */
  attributes: Record<string, number>;
  /** Attributes seen in this frame. */
  current_attributes: FrigateAttribute[];
  pending_loitering: boolean;
  max_severity: 'alert' | 'detection' | null;
  /** Vigil does not estimate speed: always 0. */
  current_estimated_speed: number;
  average_estimated_speed: number;
  velocity_angle: number;
  path_data: Array<[[number, number], number]>;
  /** Vigil does not read licence plates: always null. */
  recognized_license_plate: string | null;
  recognized_license_plate_score: number | null;
}

/** A message of `frigate/events`. */
export interface FrigateEventMessage {
  type: 'new' | 'update' | 'end';
  before: FrigateTrackedObject;
  after: FrigateTrackedObject;
}

/** A message of `frigate/tracked_object_update` for a face result (frigate/data_processing/real_time/face.py). */
export interface FrigateFaceUpdate {
  type: 'face';
  /** The recognised name; null when the face is not one of the known faces. */
  name: string | null;
  score: number;
  /** The person's tracked object id. */
  id: string;
  camera: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** What the translation needs to know of a camera. */
export interface FrigateCameraInfo {
  /** Detect size: boxes are published in these pixels. */
  width: number;
  height: number;
  fps: number;
  /** Clips can be cut (`record.enabled`). */
  record: boolean;
}

/**
 * Most objects kept at once: an object whose `end` never arrived (the live-view topic drops its
 * oldest messages under overload) must not stay forever; the least recently updated goes first.
 */
const MAX_OBJECTS = 1000;

/** Smallest side of a detection region, as Frigate's default 320×320 model input. */
const MIN_REGION = 320;
/** How much context a region keeps around a box (Frigate's calculate_region multiplier). */
const REGION_MULTIPLIER = 1.35;

interface ObjectState {
  /** The last `after` published: the next message's `before`. */
  previous: FrigateTrackedObject | null;
  snapshot: FrigateSnapshot | null;
  subLabel: [string, number] | null;
  attributes: Record<string, number>;
  stationarySince: number | null;
  positionChanges: number;
  clipRouted: boolean;
  severity: Severity | null;
}

/** A tracked object's event from the pipeline: its phase and what it says. */
interface ObjectReport {
  phase: 'new' | 'update' | 'end';
  camera: string;
  id: string;
  label: string;
  box: [number, number, number, number];
}

/**
 * Turns Vigil's processed tracked-object events into Frigate's `frigate/events` messages, keeping
 * each live object's last `after` (Frigate's `before` of the next message) in memory until it ends.
 */
export class FrigateObjects {
  readonly #cameras: (camera: string) => FrigateCameraInfo | undefined;
  readonly #objects = new Map<string, ObjectState>();

  constructor(cameras: (camera: string) => FrigateCameraInfo | undefined) {
    this.#cameras = cameras;
  }

  /** Objects tracked now (not yet ended). */
  get size(): number {
    return this.#objects.size;
  }

  /** Whether the object `id` on `camera` is tracked (seen, not ended, not pruned). */
  tracks(camera: string, id: string): boolean {
    return this.#objects.has(`${camera}/${id}`);
  }

  /** Forgets objects not updated for `maxAgeMs` (their `end` was lost). */
  prune(now: number, maxAgeMs: number): void {
    for (const [key, state] of this.#objects) {
      if (!state.previous || state.previous.frame_time * 1000 < now - maxAgeMs) this.#objects.delete(key);
    }
  }

  /**
   * The `frigate/events` message for a tracked object's new / update / end event, or null for any
   * other event. `snapshotChanged`: the object's snapshot file was (re)written for this event.
   */
  object(event: VigilEvent, decision: Decision, snapshotChanged: boolean): FrigateEventMessage | null {
    const report = objectReport(event);
    if (!report) return null;
    const camera = this.#cameras(report.camera);
    if (!camera) return null;
    const key = `${report.camera}/${report.id}`;
    const known = this.#objects.get(key);
    const stationary = event.data.stationary === true;
    const frameTime = event.timestamp;
    const state: ObjectState = known ?? {
      previous: null,
      snapshot: null,
      subLabel: null,
      attributes: {},
      stationarySince: null,
      positionChanges: stationary ? 0 : 1,
      clipRouted: false,
      severity: null,
    };
    if (stationary && state.stationarySince === null) state.stationarySince = frameTime;
    if (!stationary && state.stationarySince !== null) {
      state.stationarySince = null;
      state.positionChanges += 1;
    }
    state.clipRouted ||= decision.routes.includes('clip');
    if (state.severity === null || severityRank(decision.severity) > severityRank(state.severity)) {
      state.severity = decision.severity;
    }
    const box = toPixels(report.box, camera);
    const score = finite(event.confidence, 0);
    if (snapshotChanged) {
      state.snapshot = {
        frame_time: seconds(frameTime),
        box,
        area: area(box),
        region: regionAround(box, camera),
        score,
        attributes: [],
      };
    }
    const after: FrigateTrackedObject = {
      id: report.id,
      camera: report.camera,
      frame_time: seconds(frameTime),
      snapshot: state.snapshot,
      label: report.label,
      sub_label: state.subLabel,
      top_score: finite(event.data.top_score, score),
      false_positive: false,
      start_time: seconds(finite(event.data.start_time, frameTime)),
      end_time: report.phase === 'end' ? seconds(frameTime) : null,
      score,
      box,
      area: area(box),
      ratio: ratio(box),
      region: regionAround(box, camera),
      active: !stationary,
      stationary,
      motionless_count:
        state.stationarySince === null
          ? 0
          : Math.round(((frameTime - state.stationarySince) / 1000) * camera.fps),
      position_changes: state.positionChanges,
      current_zones: [...event.zones],
      entered_zones: strings(event.data.entered_zones),
      has_clip: camera.record && state.clipRouted,
      has_snapshot: state.snapshot !== null,
      attributes: { ...state.attributes },
      current_attributes: [],
      pending_loitering: false,
      max_severity: maxSeverity(state.severity),
      current_estimated_speed: 0,
      average_estimated_speed: 0,
      velocity_angle: 0,
      path_data: [],
      recognized_license_plate: null,
      recognized_license_plate_score: null,
    };
    // Frigate's `before` of a new object is its state while it was still a possible false positive.
    const before: FrigateTrackedObject = known?.previous
      ? known.previous
      : report.phase === 'new'
        ? {
            ...after,
            false_positive: true,
            top_score: 0,
            snapshot: null,
            has_snapshot: false,
            has_clip: false,
            current_zones: [],
            entered_zones: [],
          }
        : after;
    state.previous = after;
    // Re-inserted so that the map's order is least recently updated first.
    this.#objects.delete(key);
    if (report.phase !== 'end') this.#objects.set(key, state);
    if (this.#objects.size > MAX_OBJECTS) {
      const oldest = this.#objects.keys().next().value;
      if (oldest !== undefined) this.#objects.delete(oldest);
    }
    return { type: report.phase, before, after };
  }

  /**
   * A face result on a tracked person: the `frigate/tracked_object_update` message, and the
   * person's `frigate/events` update (its `sub_label` and `attributes` changed) while it is tracked.
   * Null for any other event.
   */
  face(event: VigilEvent): { update: FrigateFaceUpdate; message: FrigateEventMessage | null } | null {
    if (!event.type.startsWith('face_') || !event.objectId || !event.camera) return null;
    const name = typeof event.data.face_name === 'string' ? event.data.face_name : null;
    const recognised = event.type !== 'face_unknown' && name !== null;
    const score = finite(event.data.face_score, finite(event.confidence, 0));
    const update: FrigateFaceUpdate = {
      type: 'face',
      name: recognised ? name : null,
      score,
      id: event.objectId,
      camera: event.camera,
      timestamp: seconds(event.timestamp),
    };
    const state = this.#objects.get(`${event.camera}/${event.objectId}`);
    const camera = this.#cameras(event.camera);
    const before = state?.previous;
    if (!state || !before || !camera) return { update, message: null };
    if (recognised) state.subLabel = [name, score];
    state.attributes = { ...state.attributes, face: Math.max(state.attributes.face ?? 0, score) };
    const faceBox = event.box ? toPixels(event.box, camera) : null;
    const after: FrigateTrackedObject = {
      ...before,
      frame_time: seconds(event.timestamp),
      sub_label: state.subLabel,
      attributes: { ...state.attributes },
      current_attributes: faceBox ? [{ label: 'face', box: faceBox, score }] : [],
    };
    state.previous = after;
    return { update, message: { type: 'update', before, after } };
  }
}

function objectReport(event: VigilEvent): ObjectReport | null {
  const phase = event.data.phase;
  if (phase !== 'new' && phase !== 'update' && phase !== 'end') return null;
  if (!event.camera || !event.objectId || !event.label || !event.box) return null;
  return { phase, camera: event.camera, id: event.objectId, label: event.label, box: event.box };
}

function toPixels(box: readonly number[], camera: FrigateCameraInfo): PixelBox {
  const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = box;
  const px = (v: number, size: number) => Math.round(Math.min(1, Math.max(0, v)) * size);
  return [px(x1, camera.width), px(y1, camera.height), px(x2, camera.width), px(y2, camera.height)];
}

function area(box: PixelBox): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

function ratio(box: PixelBox): number {
  const height = box[3] - box[1];
  return height > 0 ? Math.round(((box[2] - box[0]) / height) * 1e6) / 1e6 : 0;
}

/**
 * The square region a detector would examine around `box`, as Frigate's calculate_region: the
 * box's larger side with some context, at least the model size, inside the frame.
 */
function regionAround(box: PixelBox, camera: FrigateCameraInfo): PixelBox {
  const limit = Math.min(camera.width, camera.height);
  const wanted = Math.max(box[2] - box[0], box[3] - box[1]) * REGION_MULTIPLIER;
  const size = Math.min(limit, Math.max(MIN_REGION, Math.round(wanted / 4) * 4));
  const centreX = (box[0] + box[2]) / 2;
  const centreY = (box[1] + box[3]) / 2;
  const x = Math.min(camera.width - size, Math.max(0, Math.round(centreX - size / 2)));
  const y = Math.min(camera.height - size, Math.max(0, Math.round(centreY - size / 2)));
  return [x, y, x + size, y + size];
}

function maxSeverity(severity: Severity | null): FrigateTrackedObject['max_severity'] {
  if (severity === null) return null;
  return severity === 'high' || severity === 'critical' ? 'alert' : 'detection';
}

function seconds(ms: number): number {
  return ms / 1000;
}

function finite(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
