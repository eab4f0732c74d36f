import type { CameraStatus } from '../../hal/camera/types';
import type { NormalizedBox } from '../../models/types';
import type { EventInput } from '../domain/eventModel';

/** What the pipeline reports about one tracked object. */
export interface TrackReport {
  id: string;
  label: string;
  score: number;
  topScore: number;
  box: NormalizedBox;
  zones: string[];
  enteredZones: string[];
  stationary: boolean;
  startedAt: number;
}

/** A face recognised (or not) on a tracked person. */
export interface FaceReport {
  kind: 'known' | 'unknown' | 'blacklisted';
  name: string | null;
  score: number;
  /** The face, normalised to the whole frame. */
  box: NormalizedBox;
}

const SOURCE = 'pipeline';

/**
 * A tracked object's new / update / end, as an event; all of one object's events join one incident.
 * `snapshot` is the object's saved snapshot (a path relative to data_dir), when there is one.
 */
export function trackEvent(
  camera: string,
  phase: 'new' | 'update' | 'end',
  track: TrackReport,
  timestamp: number,
  snapshot?: string,
): EventInput {
  return {
    type: 'object_detected',
    source: SOURCE,
    camera,
    timestamp,
    label: track.label,
    object_id: track.id,
    confidence: round(track.score),
    box: roundBox(track.box),
    zones: track.zones,
    data: {
      phase,
      top_score: round(track.topScore),
      stationary: track.stationary,
      entered_zones: track.enteredZones,
      start_time: track.startedAt,
      ...(phase === 'end' ? { duration_seconds: round((timestamp - track.startedAt) / 1000) } : {}),
      ...(snapshot !== undefined ? { snapshot } : {}),
    },
  };
}

/** A face result on a person's track; it joins the person's incident (same object id). */
export function faceEvent(
  camera: string,
  track: TrackReport,
  face: FaceReport,
  timestamp: number,
): EventInput {
  const type =
    face.kind === 'blacklisted' ? 'face_blacklisted' : face.kind === 'known' ? 'face_known' : 'face_unknown';
  return {
    type,
    source: SOURCE,
    camera,
    timestamp,
    label: 'person',
    object_id: track.id,
    confidence: round(face.score),
    box: roundBox(face.box),
    zones: track.zones,
    data: {
      face_name: face.name,
      face_list: face.kind === 'blacklisted' ? 'blacklist' : face.kind,
      face_score: round(face.score),
      person_box: roundBox(track.box),
    },
  };
}

/** camera_online / camera_offline. */
export function cameraStatusEvent(camera: string, status: CameraStatus, timestamp: number): EventInput {
  return {
    type: status.state === 'online' ? 'camera_online' : 'camera_offline',
    source: SOURCE,
    camera,
    timestamp,
    data: status.reason ? { reason: status.reason.slice(0, 500) } : {},
  };
}

/** Motion started on a camera. */
export function motionEvent(camera: string, regions: number, area: number, timestamp: number): EventInput {
  return { type: 'motion', source: SOURCE, camera, timestamp, data: { regions, area } };
}

function round(value: number): number {
  return Math.round(Math.min(1e9, Math.max(0, value)) * 1000) / 1000;
}

function roundBox(box: NormalizedBox): NormalizedBox {
  return box.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000) as NormalizedBox;
}
