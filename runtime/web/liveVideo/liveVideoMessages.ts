/**
 * What `GET /api/v1/cameras/:camera/live` (a WebSocket) sends: one JSON text message first, then,
 * after `init`, binary messages: the fragmented MP4 init segment (ftyp+moov), then media
 * fragments (moof+mdat) from a keyframe on, to append to a MediaSource SourceBuffer in order.
 */

/** The stream is coming: `codec` is for `MediaSource.isTypeSupported`; the init segment follows. */
export interface LiveVideoInitMessage {
  type: 'init';
  /** e.g. `avc1.64001f`, from the stream's SPS. */
  codec: string;
  /** `video/mp4; codecs="…"`, ready for `addSourceBuffer`. */
  mime: string;
}

/**
 * This camera has no live video (it is disabled); the connection closes with
 * 4415. `fallback` says what the page should show instead.
 */
export interface LiveVideoUnavailableMessage {
  type: 'unavailable';
  reason: string;
  /** `mjpeg`: `GET /api/v1/cameras/:camera/stream.mjpeg` exists; `still`: refresh `latest.jpg`. */
  fallback: 'mjpeg' | 'still';
}

export type LiveVideoMessage = LiveVideoInitMessage | LiveVideoUnavailableMessage;

/** Close codes of the live video socket. */
export const LIVE_CLOSE_CODES = {
  /** The viewer fell too far behind; reconnect. */
  tooSlow: 4008,
  /** No live video for this camera: see the `unavailable` message. */
  unavailable: 4415,
  /** The camera's stream ended (camera unreachable, ffmpeg failed); reconnect after a pause. */
  streamEnded: 1011,
  /** Too many viewers of this camera already. */
  tryAgainLater: 1013,
  /** The server is shutting down. */
  goingAway: 1001,
} as const;
