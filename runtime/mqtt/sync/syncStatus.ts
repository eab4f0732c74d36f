/** The outbox backlog and the sync's progress, as health, metrics and Home Assistant show them. */
export interface SyncStatus {
  /** Events waiting for the central server's acknowledgement. */
  backlog: number;
  backlog_bytes: number;
  /** Age in seconds of the oldest waiting event (0 when none waits). */
  oldest_age_seconds: number;
  /** Epoch ms of the last acknowledgement from the central server. */
  last_ack_at: number | null;
  /** Events acknowledged since start. */
  acked: number;
  /** Events dropped because the outbox was full, since start. */
  dropped: number;
}
