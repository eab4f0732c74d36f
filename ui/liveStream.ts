/**
 * The live stream client (`GET /api/v1/ws`, same origin, the session cookie authenticates).
 * Every frame is JSON: `hello` first, then `event` and `state` messages whose `seq` grows by one.
 * On a drop (including close code 4008, "too slow") it reconnects with backoff to
 * `?stream=<id>&after=<last seq>`; a hello with `resumed: false` means messages were missed and
 * the lists must be reloaded over REST.
 */
import type { EventMessage, HelloMessage, StateMessage } from './types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface StreamHandlers {
  onEvent(message: EventMessage): void;
  onState(message: StateMessage): void;
  /** Messages may have been missed (first connect, server restart, replay gone): reload lists. */
  onResync(): void;
  onStatus(status: StreamStatus): void;
}

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;
/** A connection that gets no hello this soon is dropped and retried. */
const HELLO_TIMEOUT_MS = 10_000;

export class LiveStream {
  readonly #handlers: StreamHandlers;
  #socket: WebSocket | undefined;
  #stream: string | undefined;
  #lastSeq = 0;
  #failures = 0;
  #timer: number | undefined;
  #helloTimer: number | undefined;
  #stopped = true;
  #status: StreamStatus = 'stopped';

  constructor(handlers: StreamHandlers) {
    this.#handlers = handlers;
  }

  get status(): StreamStatus {
    return this.#status;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#helloTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'page closed the stream');
    this.#setStatus('stopped');
  }

  #url(): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resume = this.#stream ? `?stream=${encodeURIComponent(this.#stream)}&after=${this.#lastSeq}` : '';
    return `${scheme}//${location.host}/api/v1/ws${resume}`;
  }

  #connect(): void {
    this.#setStatus(this.#failures === 0 && !this.#stream ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url());
    } catch {
      this.#retry();
      return;
    }
    this.#socket = socket;
    let greeted = false;
    this.#helloTimer = window.setTimeout(() => {
      if (!greeted) socket.close(4000, 'no hello');
    }, HELLO_TIMEOUT_MS);
    socket.addEventListener('message', (frame) => {
      if (socket !== this.#socket) return;
      let message: HelloMessage | EventMessage | StateMessage;
      try {
        message = JSON.parse(String(frame.data)) as HelloMessage | EventMessage | StateMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') {
        greeted = true;
        clearTimeout(this.#helloTimer);
        this.#hello(message);
        return;
      }
      if (typeof message.seq === 'number') {
        if (message.seq <= this.#lastSeq) return; // already handled (replayed twice)
        this.#lastSeq = message.seq;
      }
      if (message.type === 'event') this.#handlers.onEvent(message);
      else if (message.type === 'state') this.#handlers.onState(message);
    });
    socket.addEventListener('close', () => {
      clearTimeout(this.#helloTimer);
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      if (!greeted) this.#failures++;
      this.#retry();
    });
  }

  #hello(hello: HelloMessage): void {
    const fresh = !hello.resumed || hello.stream !== this.#stream;
    this.#stream = hello.stream;
    this.#failures = 0;
    if (fresh) {
      this.#lastSeq = hello.seq;
      this.#handlers.onResync();
    }
    this.#setStatus('live');
  }

  #retry(): void {
    if (this.#stopped) return;
    this.#setStatus('reconnecting');
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(this.#failures, 10));
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.#timer);
    this.#timer = window.setTimeout(() => this.#connect(), delay);
  }

  #setStatus(status: StreamStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#handlers.onStatus(status);
  }
}
