import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../../../base/logger';
import type { Metrics } from '../../metrics/metrics';
import { ReplayRing } from './replayRing';
import { CLOSE_CODES, type HelloMessage, type UnsequencedMessage } from './streamMessages';

export interface LiveStreamHubOptions {
  /** Clients served at once; more are refused (close 1013). */
  maxClients: number;
  /** Unsent bytes a client may fall behind by; beyond it the client is closed with 4008. */
  clientBufferBytes: number;
  /** Messages kept for resuming clients. */
  replayMessages: number;
  /** And at most this many bytes of them (default: no bound but the count). */
  replayBytes?: number;
  metrics?: Metrics;
  logger?: Logger;
  /** Ping period; a client that has not answered the previous ping is terminated. Default 30 s. */
  pingIntervalMs?: number;
  /** How long a client closed as too slow gets to read the close frame before it is terminated. Default 2 s. */
  slowCloseGraceMs?: number;
  /** Fixed stream id (tests); default: random. */
  streamId?: string;
}

/** What a reconnecting client asks for: `?stream=…&after=…`. */
export interface ResumeRequest {
  stream?: string;
  after?: number;
}

/** `?stream=…&after=…` (a parsed query string); anything malformed just means no resume (the client refetches). */
export function resumeRequest(query: unknown): ResumeRequest {
  if (typeof query !== 'object' || query === null) return {};
  const { stream, after } = query as Record<string, unknown>;
  const resume: ResumeRequest = {};
  if (typeof stream === 'string' && stream.length <= 64) resume.stream = stream;
  if (typeof after === 'string' && /^\d{1,15}$/.test(after)) resume.after = Number(after);
  return resume;
}

interface Client {
  readonly socket: WebSocket;
  /** Answered the last ping. */
  alive: boolean;
  /**
   * Seq of the next message this client needs while it catches up from the ring (a resume whose
   * backlog did not fit its buffer at once); undefined once it is live.
   */
  next: number | undefined;
  /** Seq of the first message this client gets live (the ones before came with hello or from the ring). */
  liveFrom: number;
}

/** A published message waiting for the end of this turn of the event loop to be sent. */
interface Outgoing {
  seq: number;
  frame: Buffer;
}

interface HubMetrics {
  sent: { inc(value?: number): void };
  droppedSlow: { inc(): void };
  refused: { inc(): void };
}

/**
 * The live stream's fan-out, independent of the HTTP framework: numbers each message, keeps the
 * recent ones for resuming clients, and sends one shared serialized frame to every client. It
 * never waits for a client: one whose unsent data passes its budget is closed (4008) and dropped,
 * so a stalled browser costs the others nothing. The messages published in one turn of the event
 * loop go to each client in one write (one system call per client per turn, not per message).
 */
export class LiveStreamHub {
  readonly streamId: string;
  readonly #options: LiveStreamHubOptions;
  readonly #ring: ReplayRing;
  readonly #clients = new Set<Client>();
  readonly #metrics: HubMetrics;
  #pingTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Published this turn, sent at its end (`#flush`). */
  #outgoing: Outgoing[] = [];

  constructor(options: LiveStreamHubOptions) {
    this.#options = options;
    this.streamId = options.streamId ?? randomBytes(9).toString('base64url');
    this.#ring = new ReplayRing(options.replayMessages, options.replayBytes);
    this.#metrics = hubMetrics(
      options.metrics,
      () => this.#clients.size,
      () => this.#ring.bytes,
    );
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Seq of the newest message; 0 before the first. */
  get seq(): number {
    return this.#ring.newest;
  }

  /** Whether a new client would be refused. */
  get full(): boolean {
    return this.#closed || this.#clients.size >= this.#options.maxClients;
  }

  /**
   * Numbers `message`, keeps it for resuming, and sends it to every live client at the end of
   * this turn of the event loop, with the others published in it; returns its seq.
   */
  publish(message: UnsequencedMessage): number {
    const seq = this.#ring.newest + 1;
    const { type, ...body } = message;
    // Serialised once, whatever the number of clients, into a buffer of its own (not a pool
    // slice), which the ring can keep without a copy.
    const json = JSON.stringify({ type, seq, ...body });
    const frame = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    frame.write(json);
    this.#ring.push(frame);
    if (this.#outgoing.length === 0) setImmediate(() => this.#flush());
    this.#outgoing.push({ seq, frame });
    return seq;
  }

  /**
   * Sends this turn's messages: to each live client corked, so its frames leave in one write.
   * A client catching up gets them from the ring when its buffer has drained.
   */
  #flush(): void {
    const outgoing = this.#outgoing;
    this.#outgoing = [];
    const last = outgoing[outgoing.length - 1];
    if (last === undefined) return;
    let sent = 0;
    for (const client of this.#clients) {
      if (client.next !== undefined || client.liveFrom > last.seq) continue;
      const raw = rawSocket(client.socket);
      raw?.cork();
      for (const { seq, frame } of outgoing) {
        if (seq < client.liveFrom) continue;
        if (!this.#send(client, frame, false)) break;
        sent++;
      }
      raw?.uncork();
      // Measured once the kernel took what it could: corked, everything counts as unsent.
      this.#checkBehind(client);
    }
    if (sent > 0) this.#metrics.sent.inc(sent);
  }

  /**
   * Serves an open socket: sends `hello`, then what it missed when it resumes, then every new
   * message. Refuses it (close 1013) when `maxClients` are connected. Client messages are ignored.
   */
  connect(socket: WebSocket, resume: ResumeRequest = {}): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (this.#closed) {
      socket.close(CLOSE_CODES.goingAway, 'server shutting down');
      return false;
    }
    if (this.#clients.size >= this.#options.maxClients) {
      this.recordRefusal();
      socket.close(CLOSE_CODES.tryAgainLater, 'try again later');
      return false;
    }
    if (this.#pingTimer === undefined) {
      this.#pingTimer = setInterval(() => this.#heartbeat(), this.#options.pingIntervalMs ?? 30_000);
      this.#pingTimer.unref();
    }
    const newest = this.#ring.newest;
    const resumed =
      resume.stream === this.streamId && resume.after !== undefined && this.#ring.covers(resume.after);
    const client: Client = { socket, alive: true, next: undefined, liveFrom: newest + 1 };
    this.#clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => this.#clients.delete(client));
    socket.on('error', (err) => {
      this.#options.logger?.debug({ err }, 'live stream client socket error');
      this.#clients.delete(client);
      socket.terminate();
    });
    const hello: HelloMessage = { type: 'hello', stream: this.streamId, seq: newest, resumed };
    this.#send(client, Buffer.from(JSON.stringify(hello)));
    if (resumed && resume.after !== undefined && resume.after < newest) {
      client.next = resume.after + 1;
      this.#catchUp(client);
    }
    return true;
  }

  /** Counts a connection refused because the hub is full (also when refused before the upgrade). */
  recordRefusal(): void {
    this.#metrics.refused.inc();
  }

  /** Closes every client (1001) and stops the heartbeat; later connections are refused. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#pingTimer);
    for (const client of this.#clients) client.socket.close(CLOSE_CODES.goingAway, 'server shutting down');
    this.#clients.clear();
  }

  /** Sends one frame to a live client; drops the client when that leaves it too far behind (`check`). */
  #send(client: Client, frame: Buffer, check = true): boolean {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN || !this.#clients.has(client)) return false;
    socket.send(frame, { binary: false });
    if (check) this.#checkBehind(client);
    return true;
  }

  /** Drops a client whose unsent data passed its budget. */
  #checkBehind(client: Client): void {
    if (client.socket.bufferedAmount > this.#options.clientBufferBytes) this.#dropSlow(client);
  }

  /**
   * Sends a resuming client its backlog from the ring as fast as it reads: up to its buffer
   * budget now, the rest as writes complete. Live messages queue behind in the ring meanwhile.
   * A client so slow that the ring overwrote what it still needs is dropped like any slow one.
   */
  #catchUp(client: Client): void {
    const { socket } = client;
    let sent = 0;
    while (client.next !== undefined && socket.readyState === socket.OPEN && this.#clients.has(client)) {
      if (client.next > this.#ring.newest) {
        client.liveFrom = client.next;
        client.next = undefined;
        break;
      }
      if (socket.bufferedAmount > this.#options.clientBufferBytes / 2) break;
      const frame = this.#ring.at(client.next);
      if (frame === undefined) {
        this.#dropSlow(client);
        break;
      }
      client.next += 1;
      socket.send(frame, { binary: false }, () => {
        if (client.next !== undefined) this.#catchUp(client);
      });
      sent++;
    }
    if (sent > 0) this.#metrics.sent.inc(sent);
  }

  #dropSlow(client: Client): void {
    if (!this.#clients.delete(client)) return;
    const { socket } = client;
    this.#metrics.droppedSlow.inc();
    this.#options.logger?.warn(
      { buffered_bytes: socket.bufferedAmount, limit_bytes: this.#options.clientBufferBytes },
      'live stream client too slow: disconnected (it can reconnect and resume)',
    );
    socket.close(CLOSE_CODES.tooSlow, 'too slow');
    // The close frame waits behind the unread data; a stalled client never reads it, so end it anyway.
    const timer = setTimeout(() => socket.terminate(), this.#options.slowCloseGraceMs ?? 2000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  #heartbeat(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        this.#options.logger?.info('live stream client did not answer a ping: disconnected');
        this.#clients.delete(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

/**
 * The TCP socket under a `ws` WebSocket, to cork it around a turn's frames: `ws` has no public
 * way to send several messages in one write (its own `_socket`; absent, the frames go one by one).
 */
function rawSocket(socket: WebSocket): Duplex | undefined {
  const raw = (socket as unknown as { _socket?: unknown })._socket;
  return raw !== null && typeof raw === 'object' && 'cork' in raw && 'uncork' in raw
    ? (raw as Duplex)
    : undefined;
}

function hubMetrics(
  metrics: Metrics | undefined,
  clients: () => number,
  replayBytes: () => number,
): HubMetrics {
  if (metrics === undefined) {
    const none = { inc: () => {} };
    return { sent: none, droppedSlow: none, refused: none };
  }
  metrics.gauge({
    name: 'vigil_ws_clients',
    help: 'Live-stream WebSocket clients connected',
    collect() {
      this.set(clients());
    },
  });
  metrics.gauge({
    name: 'vigil_ws_replay_bytes',
    help: 'Bytes of live-stream messages kept for resuming clients (http.stream.replay_kb bounds it)',
    collect() {
      this.set(replayBytes());
    },
  });
  return {
    sent: metrics.counter({
      name: 'vigil_ws_messages_sent_total',
      help: 'Live-stream messages sent, counted once per client',
    }),
    droppedSlow: metrics.counter({
      name: 'vigil_ws_clients_dropped_slow_total',
      help: 'Live-stream clients disconnected because they fell too far behind',
    }),
    refused: metrics.counter({
      name: 'vigil_ws_clients_refused_total',
      help: 'Live-stream connections refused because max_clients were connected',
    }),
  };
}
