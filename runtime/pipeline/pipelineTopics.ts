import type { TopicPolicies } from '../bus/types';

/** What a camera sees right now. */
export interface CameraActivity {
  camera: string;
  motion: boolean;
  /** Reported objects by label: all of them, and those not stationary. */
  objects: Record<string, { count: number; active: number }>;
  /** Epoch ms of the frame. */
  at: number;
}

/** The cameras' live state. */
export interface PipelineTopics {
  /** Detection or motion detection of a camera was switched on or off at run time (API, MQTT). */
  'camera.settings': { camera: string; detect_enabled: boolean; motion_enabled: boolean };
  /** A camera's motion started or stopped, or its tracked objects changed: live state. */
  'camera.activity': CameraActivity;
}

export const PIPELINE_TOPIC_POLICIES: TopicPolicies<PipelineTopics> = {
  // Each message carries the whole state, so the newest is all that matters.
  'camera.activity': { overflow: 'drop-oldest', capacity: 64 },
};
