/** Shapes of the API answers the page reads (only the fields it uses). */

export interface ServiceStatus {
  name: string;
  state: string;
  since: number;
  error?: string;
  detail?: Record<string, unknown>;
}

/** `GET /api/v1/health` (open, also answered with 503 when a service is not running). */
export interface Health {
  status: string;
  version: string;
  device: { id: string; name: string };
  board: { model: string; arch: string; cpuTemperatureC: number | null };
  uptime_seconds: number;
  services: ServiceStatus[];
}

interface CameraStats {
  camera_fps: number;
  process_fps: number;
  skipped_fps: number;
  detection_fps: number;
  online: boolean;
  motion: boolean;
  tracked_objects: number;
  detection_enabled: boolean;
  motion_enabled: boolean;
  offline_reason: string | null;
}

/** The `service` block of `GET /api/v1/stats`; the device fields arrive with the board health probe. */
interface ServiceStats {
  version?: string;
  uptime?: number;
  uptime_seconds?: number;
  cpu_temperature?: number | null;
  cpu_throttled?: boolean | null;
  throttle_flags?: string[] | null;
  cpu_load?: number | null;
  memory_used_percent?: number | null;
  disk_used_percent?: number | null;
  board?: { model: string; arch: string };
}

/** `GET /api/v1/stats` (Frigate's shape). */
export interface Stats {
  cameras: Record<string, CameraStats>;
  detectors: Record<string, { type: string; inference_speed: number | null }>;
  faces?: { enabled: boolean; recognition_speed: number | null };
  service: ServiceStats;
}

export interface CameraView extends Partial<CameraStats> {
  name: string;
}

export interface EventView {
  id: string;
  type: string;
  timestamp: number;
  camera: string | null;
  label: string | null;
  confidence: number | null;
  severity: string;
  incident_id: string | null;
  description: string | null;
  data: unknown;
  zones: unknown;
}

export interface EventPage {
  events: EventView[];
  next_cursor: string | null;
}

export interface IncidentView {
  id: string;
  camera: string | null;
  label: string | null;
  type: string;
  severity: string;
  status: 'open' | 'ended' | 'acknowledged' | 'resolved';
  started_at: number;
  last_seen_at: number;
  event_count: number;
  clip_state: string | null;
  has_clip: boolean;
  clip_url: string | null;
  has_snapshot: boolean;
  snapshot_url: string | null;
}

export interface IncidentPage {
  incidents: IncidentView[];
  next_cursor: string | null;
}

export interface Person {
  name: string;
  list: 'known' | 'blacklist';
  descriptors: number;
  created_at: number;
  thumbnail_url: string;
}

export interface UnknownFace {
  id: number;
  seen_at: number;
  camera: string | null;
  event_id: string | null;
  score: number;
  crop_url: string | null;
}

export interface EnrollResult {
  person: Person;
  created: boolean;
  added: number;
  faces: Array<{ score: number; size_px: number; sharpness: number }>;
}

/** Who changed something and why (audit trail). */
interface Cause {
  actor: string;
  reason: string;
}

export interface Alarm {
  mode: string;
  modes: string[];
  changed_at: number | null;
  changed_by: Cause | null;
  /** Scheduled mode changes; `next` is ISO 8601. */
  schedules?: Array<{ cron: string; mode: string; next: string | null }>;
}

export interface GpioOutput {
  name: string;
  driver: string;
  pin: number;
  on: boolean;
  active: boolean;
  active_since: number | null;
  active_until: number | null;
  activated_by: Cause | null;
  silenced_until: number | null;
  max_on_seconds: number;
}

interface GpioInput {
  name: string;
  driver: string;
  pin: number;
  sensor?: string;
  active: boolean;
  last_change: number | null;
}

export interface Gpio {
  outputs: GpioOutput[];
  inputs: GpioInput[];
}

export interface RecentError {
  at: string;
  level: 'warn' | 'error' | 'fatal';
  module: string | null;
  message: string;
}

/** `GET /api/v1/auth/session`. */
export interface Session {
  user: string | null;
  method: 'session' | 'token' | 'disabled';
  expires_at: string | null;
}
