import type { Logger } from '../../../base/logger';
import type { CameraSourceTiming } from '../timing';
import type { CameraDriverConfig, Frame } from '../types';

/** One finished segment of a camera's recording ring. */
export interface Segment {
  camera: string;
  /** Absolute path of the segment file; its name alone describes it (see `segmentFileName`). */
  file: string;
  /** Wall-clock ms since the epoch of its first frame. */
  startedAt: number;
  /** Wall-clock ms just after its last frame. */
  endedAt: number;
  bytes: number;
}

/** A stretch of time with no recording (ffmpeg died, the disk was full, the camera was gone). */
export interface RecordingGap {
  camera: string;
  from: number;
  to: number;
  reason: string;
}

/**
 * ffmpeg failed while recording (reported at once, before it is restarted; the gap it causes is
 * reported when recording resumes or stops, except on a full disk: that gap is reported at once
 * up to the failure, and the rest of the outage as a second gap). On a full disk the runtime may
 * stop the recorder and start it again once space has been freed.
 */
export interface RecordingFailure {
  camera: string;
  /** Wall-clock ms when the failure was noticed. */
  at: number;
  reason: string;
  /** ffmpeg could not write: no space left on the ring's file system. */
  diskFull: boolean;
  /**
   * ffmpeg is not installed: nothing can be recorded until it is (the reason names the package).
   * It is looked for again every `notInstalledRetryMs`.
   */
  notInstalled: boolean;
}

/** How the ring is written: the camera's own stream copied, or decoded frames encoded once. */
export type RecordingMode = 'copy' | 'encode';

export interface SegmentRecorderStats {
  mode: RecordingMode;
  /** The encoder in use: `copy`, `h264_v4l2m2m`, `libx264`. */
  encoder: string;
  running: boolean;
  segments: number;
  restarts: number;
  bytes: number;
  /** CPU seconds (user + system) used by ffmpeg processes that have exited, plus the current one's when known. */
  cpuSeconds: number;
  /** Encode mode: frames not recorded because the encoder was behind, restarting or wrongly sized. */
  framesDropped: number;
}

/**
 * Records one camera into short segment files in a ring directory with ffmpeg, restarting it when
 * it dies (each restart reports the gap). Only finished segments are reported; a segment being
 * written is never handed out.
 */
export interface SegmentRecorder {
  readonly camera: string;
  readonly mode: RecordingMode;
  start(): void;
  /** Ends ffmpeg so that its last segment is finished and reported; leaves no child process. */
  stop(): Promise<void>;
  /** Encode mode: one decoded frame to encode (dropped, and counted, if the encoder is behind). */
  pushFrame(frame: Frame): void;
  stats(): SegmentRecorderStats;
}

/** The values of `cameras.<name>.record.encoder`. */
export const RECORD_ENCODERS = ['auto', 'copy', 'h264_v4l2m2m', 'libx264'] as const;

/** What the recorder reads of its camera's config (`cameras.<name>`). */
export interface RecorderCameraConfig extends CameraDriverConfig {
  record: { encoder: (typeof RECORD_ENCODERS)[number]; segment_seconds: number };
}

export interface SegmentRecorderOptions {
  camera: string;
  config: RecorderCameraConfig;
  /** This camera's own directory in the ring (created if missing). */
  dir: string;
  logger: Logger;
  onSegment: (segment: Segment) => void;
  onGap: (gap: RecordingGap) => void;
  /** Called at once whenever ffmpeg fails (crash, stall, full disk), before it is restarted. */
  onFailure?: (failure: RecordingFailure) => void;
  /**
   * Restart backoff, stop grace, and `stallTimeoutMs`: how long without data (copy mode) or without
   * pushed frames (encode mode) before ffmpeg is restarted or, for encode mode, paused.
   * Defaults suit real cameras; tests shorten them.
   */
  timing?: Partial<CameraSourceTiming>;
}
