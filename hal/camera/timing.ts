/**
 * How patiently a camera source waits and retries. The defaults suit real cameras; tests
 * shorten them so a reconnect or a stall shows up in a second instead of half a minute.
 */
export interface CameraSourceTiming {
  /** No frame for this long means the source is stalled: it is restarted and reported offline. */
  stallTimeoutMs: number;
  /** First wait before reconnecting; doubles on every failed attempt. */
  backoffInitialMs: number;
  /** Longest wait between reconnect attempts. */
  backoffMaxMs: number;
  /** A connection that delivered frames for this long resets the backoff to its first step. */
  stableAfterMs: number;
  /** Time a child process gets after SIGTERM before it is sent SIGKILL. */
  stopGraceMs: number;
  /**
   * Wait before trying again when ffmpeg is not installed: only installing it helps, which takes
   * a person, so trying sooner would only repeat the error (it is logged once).
   */
  notInstalledRetryMs: number;
}

/** Defaults: stall after 10 s, reconnect 1 s → 30 s, SIGKILL 2 s after SIGTERM, ffmpeg looked for every minute. */
const DEFAULT_CAMERA_TIMING: Readonly<CameraSourceTiming> = {
  stallTimeoutMs: 10_000,
  backoffInitialMs: 1_000,
  backoffMaxMs: 30_000,
  stableAfterMs: 30_000,
  stopGraceMs: 2_000,
  notInstalledRetryMs: 60_000,
};

/** The defaults with `overrides` laid over them. */
export function resolveTiming(overrides: Partial<CameraSourceTiming> = {}): CameraSourceTiming {
  return { ...DEFAULT_CAMERA_TIMING, ...overrides };
}
