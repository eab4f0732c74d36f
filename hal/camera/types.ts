import type { Logger } from '../../base/logger';
import type { Detection } from '../../models/types';
import type { CameraSourceConfig } from './cameraSourceSchema';
import type { CameraSourceTiming } from './timing';

/**
 * One decoded frame at the camera's detect size. `data` is packed RGB, 3 bytes each, rows
 * top to bottom with no padding (`data.length === width * height * 3`). A source that decodes to
 * YUV also offers `luma` and makes `data` on first read (see core/yuvFrame.ts), so an idle frame
 * that only motion looks at is never converted to colour.
 */
export interface Frame {
  readonly data: Buffer;
  /**
   * The luma (Y) plane, `width * height` bytes, limited range (16–235), when the source
   * delivered YUV; motion reads it instead of `data`.
   */
  readonly luma?: Uint8Array;
  width: number;
  height: number;
  format: 'rgb24';
  /** Wall-clock ms since the epoch, strictly increasing per camera even if the clock steps back. */
  timestamp: number;
  /** 0, 1, 2 … per camera since the source started; a gap means frames were dropped. */
  seq: number;
  /**
   * Objects the camera itself found (the AI Camera's on-sensor network), boxes as fractions of
   * the frame; set only by such cameras, whose frames then need no detector.
   */
  detections?: readonly Detection[];
}

/** Whether frames are arriving; reported on every change so the pipeline raises camera_online/offline. */
export interface CameraStatus {
  state: 'online' | 'offline';
  /** Why it went offline (process exited with code 1, no frame for 10 s, file not found, …). */
  reason?: string;
}

/** Counters a source keeps, for the stats endpoint (Frigate's camera_fps and skipped_fps). */
export interface CameraSourceStats {
  framesReceived: number;
  /** Frames decoded but not delivered because the consumer was slower than the frame rate. */
  framesSkipped: number;
  reconnects: number;
}

/**
 * A camera driver. `frames()` may be iterated once (nothing starts before it is called);
 * breaking out of the loop stops the source. `stop()` ends it and leaves no child process.
 */
export interface CameraSource {
  readonly camera: string;
  readonly driver: string;
  frames(): AsyncIterable<Frame>;
  stop(): Promise<void>;
  stats(): CameraSourceStats;
}

/**
 * What a capture pipeline writes to its stdout: packed `rgb24`, or planar `yuv420p` (half the
 * bytes, and what cameras' H.264 decodes to, so ffmpeg scales it without a colour conversion).
 */
export type RawPixelFormat = 'rgb24' | 'yuv420p';

/** The size and rate frames are delivered at: the camera's `detect` settings. */
export interface FrameFormat {
  width: number;
  height: number;
  fps: number;
}

/** What a camera driver reads of its camera's config (`cameras.<name>`). */
export interface CameraDriverConfig {
  source: CameraSourceConfig;
  detect: FrameFormat;
}

export interface CameraSourceOptions {
  /** The camera's name (the key under `cameras`). */
  camera: string;
  config: CameraDriverConfig;
  logger: Logger;
  onStatus: (status: CameraStatus) => void;
  /** Stall timeout, reconnect backoff and stop grace; defaults suit real cameras, tests shorten them. */
  timing?: Partial<CameraSourceTiming>;
}
