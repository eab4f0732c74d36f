import type { LiveVideoMessage } from '../runtime/web/liveVideo/liveVideoMessages';

/** What a camera card shows: the live video, the MJPEG stream, or the still refreshed every few seconds. */
export type LiveMode = 'video' | 'mjpeg' | 'still';

/** How far behind the newest frame playback may fall before it jumps to it. */
const MAX_BEHIND_S = 1;
/** Buffered video kept behind the playhead; older is removed so the buffer never grows. */
const KEEP_BEHIND_S = 4;
/** Fragments waiting for the SourceBuffer; more means the page cannot keep up: start over. */
const MAX_QUEUED = 120;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30_000;
/** Playback waiting this long for data means the stream stalled (a camera gone quiet): reconnect. */
const STALL_MS = 5000;
/** Close code the server uses when the camera has no live video (disabled; liveVideoMessages.ts). */
const UNAVAILABLE = 4415;

/**
 * A camera's live video by Media Source Extensions: fragmented MP4 from
 * `GET /api/v1/cameras/:camera/live` (a WebSocket; the session cookie authenticates it) appended
 * to a SourceBuffer, kept at the live edge (a jump to the newest frame when more than a second
 * behind) with old video trimmed. `onMode` says what the card should show: `video` once frames
 * play, `mjpeg` or `still` when this camera or this browser cannot have it, `still` while it
 * reconnects. The stream runs only while the page is visible, so a hidden tab costs the camera
 * nothing.
 */
export class LiveVideo {
  readonly element: HTMLVideoElement;
  readonly #camera: string;
  readonly #onMode: (mode: LiveMode) => void;
  #socket: WebSocket | undefined;
  #source: MediaSource | undefined;
  #buffer: SourceBuffer | undefined;
  #objectUrl: string | undefined;
  #queue: ArrayBuffer[] = [];
  #retryMs = RETRY_MIN_MS;
  #retryTimer: number | undefined;
  #stallTimer: number | undefined;
  /** This connection has played: waiting now is a stall, not the wait for the first keyframe. */
  #played = false;
  /** The server said there is no live video for this camera, or this browser cannot play it. */
  #givenUp = false;
  #disposed = false;
  readonly #onVisibility = () => this.#visibilityChanged();

  constructor(camera: string, label: string, onMode: (mode: LiveMode) => void) {
    this.#camera = camera;
    this.#onMode = onMode;
    this.element = document.createElement('video');
    this.element.className = 'snapshot live-video';
    this.element.muted = true;
    this.element.autoplay = true;
    this.element.playsInline = true;
    this.element.hidden = true;
    this.element.setAttribute('aria-label', label);
    this.element.addEventListener('waiting', () => {
      if (!this.#played) return;
      clearTimeout(this.#stallTimer);
      this.#stallTimer = window.setTimeout(() => this.#socket?.close(), STALL_MS);
    });
    this.element.addEventListener('playing', () => {
      clearTimeout(this.#stallTimer);
      this.#played = true;
      this.#retryMs = RETRY_MIN_MS;
      this.element.hidden = false;
      this.#onMode('video');
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (typeof MediaSource === 'undefined') this.#giveUp('mjpeg');
    else if (!document.hidden) this.#connect();
  }

  dispose(): void {
    this.#disposed = true;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#teardown();
  }

  #visibilityChanged(): void {
    if (this.#givenUp || this.#disposed) return;
    if (document.hidden) {
      this.#teardown();
      this.#onMode('still');
    } else if (this.#socket === undefined) this.#connect();
  }

  #connect(): void {
    clearTimeout(this.#retryTimer);
    const source = new MediaSource();
    this.#source = source;
    this.#objectUrl = URL.createObjectURL(source);
    this.element.src = this.#objectUrl;
    source.addEventListener(
      'sourceopen',
      () => {
        if (this.#source !== source) return;
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        const socket = new WebSocket(
          `${scheme}//${location.host}/api/v1/cameras/${encodeURIComponent(this.#camera)}/live`,
        );
        socket.binaryType = 'arraybuffer';
        this.#socket = socket;
        socket.addEventListener('message', (event) => this.#message(socket, event.data));
        socket.addEventListener('close', (event) => this.#closed(socket, event.code));
      },
      { once: true },
    );
  }

  #message(socket: WebSocket, data: unknown): void {
    if (socket !== this.#socket) return;
    if (typeof data === 'string') {
      const message = JSON.parse(data) as LiveVideoMessage;
      if (message.type === 'unavailable') this.#giveUp(message.fallback);
      else if (!MediaSource.isTypeSupported(message.mime)) this.#giveUp('mjpeg');
      else if (this.#source?.readyState === 'open') {
        this.#buffer = this.#source.addSourceBuffer(message.mime);
        this.#buffer.addEventListener('updateend', () => this.#appended());
      }
      return;
    }
    if (!(data instanceof ArrayBuffer) || this.#buffer === undefined) return;
    if (this.#queue.length >= MAX_QUEUED) {
      socket.close();
      return;
    }
    this.#queue.push(data);
    this.#appendNext();
  }

  #appendNext(): void {
    const buffer = this.#buffer;
    if (buffer === undefined || buffer.updating || this.#source?.readyState !== 'open') return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    try {
      buffer.appendBuffer(next);
    } catch {
      // QuotaExceededError, or the source closed by a decode error: reconnect, which starts over
      // with a fresh MediaSource (the card shows the still meanwhile).
      this.#socket?.close();
    }
  }

  /** After each append: stay at the live edge, drop what is long played, append what waits. */
  #appended(): void {
    const buffer = this.#buffer;
    const video = this.element;
    if (buffer === undefined) return;
    const ranges = buffer.buffered;
    if (ranges.length > 0) {
      const start = ranges.start(0);
      const end = ranges.end(ranges.length - 1);
      // A joiner's first fragment starts wherever the camera's clock is, not at 0.
      if (video.currentTime < start || end - video.currentTime > MAX_BEHIND_S) video.currentTime = end - 0.05;
      if (video.paused) void video.play().catch(() => undefined);
      if (video.currentTime - start > 2 * KEEP_BEHIND_S && !buffer.updating) {
        buffer.remove(start, video.currentTime - KEEP_BEHIND_S);
        return; // updateend follows the removal, and appends the rest
      }
    }
    this.#appendNext();
  }

  #closed(socket: WebSocket, code: number): void {
    if (socket !== this.#socket) return;
    this.#teardown();
    if (this.#disposed || this.#givenUp) return;
    if (code === UNAVAILABLE) return;
    this.#onMode('still');
    if (document.hidden) return;
    this.#retryTimer = window.setTimeout(() => this.#connect(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  #giveUp(fallback: 'mjpeg' | 'still'): void {
    this.#givenUp = true;
    this.#teardown();
    this.#onMode(fallback);
  }

  #teardown(): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#stallTimer);
    this.#played = false;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close();
    this.#buffer = undefined;
    this.#source = undefined;
    this.#queue = [];
    this.element.hidden = true;
    this.element.removeAttribute('src');
    this.element.load();
    if (this.#objectUrl) URL.revokeObjectURL(this.#objectUrl);
    this.#objectUrl = undefined;
  }
}
