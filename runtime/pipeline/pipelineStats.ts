/** One camera's figures, named as in Frigate's /api/stats so existing dashboards read them. */
export interface CameraStats {
  /** Frames per second the source delivered. */
  camera_fps: number;
  /** Frames per second the pipeline examined (motion at least). */
  process_fps: number;
  /** Frames per second dropped because the pipeline was busy. */
  skipped_fps: number;
  /** Detector runs per second (one per region). */
  detection_fps: number;
  online: boolean;
  motion: boolean;
  tracked_objects: number;
  detection_enabled: boolean;
  motion_enabled: boolean;
  /** Why the camera is offline, when it is. */
  offline_reason: string | null;
}

interface DetectorStats {
  type: string;
  /** Exponential moving average of one inference, ms. */
  inference_speed: number | null;
  /** Detections it runs at once (its worker threads, or requests in flight). */
  instances: number;
  /** Regions being examined now. */
  regions_running: number;
  /** Regions dropped unexamined since start because a camera's queue was full. */
  regions_skipped: number;
}

export interface PipelineStats {
  cameras: Record<string, CameraStats>;
  detectors: Record<string, DetectorStats>;
  faces: { enabled: boolean; recognition_speed: number | null };
  service: { uptime: number; version: string };
}
