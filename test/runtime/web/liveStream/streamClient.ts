import WebSocket from 'ws';

/** One message as the test looks at it: the whole JSON, or (light clients) just its head. */
export interface Received {
  type: string;
  seq: number | undefined;
  /** The event's id, for `event` messages. */
  id: string | undefined;
  /** The parsed message; absent for light clients' `event` messages. */
  json?: Record<string, unknown>;
  /** `performance.now()` when it arrived. */
  at: number;
}

export interface Hello {
  type: 'hello';
  stream: string;
  seq: number;
  resumed: boolean;
}

export interface OpenOptions {
  /**
   * Parse only the head of event messages (type, seq, event id): fifty clients in one test process
   * must keep up with the server, or the server would rightly drop them as slow.
   */
  light?: boolean;
  headers?: Record<string, string>;
}

const HEAD = /^\{"type":"(\w+)","seq":(\d+)(?:,"event":\{"id":"([^"\\]+)")?/;

/** A real `ws` client of `/api/v1/ws` that records what it receives and how it was closed. */
export class StreamClient {
  readonly socket: WebSocket;
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #light: boolean;
  readonly #waiters = new Set<() => void>();
  #hello: Hello | undefined;
  #closeInfo: { code: number; reason: string } | undefined;

  private constructor(socket: WebSocket, light: boolean) {
    this.socket = socket;
    this.#light = light;
    socket.on('message', (data: Buffer) => this.#onMessage(data));
    socket.on('error', () => {
      // Seen as the close below; a refused upgrade rejects `open`.
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() };
        resolve(this.#closeInfo);
        this.#wake();
      });
    });
  }

  /** Connects to `url` (ws://host:port/api/v1/ws?…) and resolves once `hello` arrived. */
  static async open(url: string, options: OpenOptions = {}): Promise<StreamClient> {
    const socket = new WebSocket(url, { headers: options.headers });
    const client = new StreamClient(socket, options.light ?? false);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused: HTTP ${response.statusCode}`)),
      );
    });
    await client.waitFor(() => client.#hello !== undefined, 5000, 'hello');
    return client;
  }

  get hello(): Hello {
    if (this.#hello === undefined) throw new Error('no hello yet');
    return this.#hello;
  }

  /** Messages after hello. */
  get messages(): Received[] {
    return this.received.filter((m) => m.type !== 'hello');
  }

  /** Ids of the event messages, in arrival order (only those starting with `idPrefix`, if given). */
  eventIds(idPrefix = ''): string[] {
    const ids: string[] = [];
    for (const m of this.received) if (m.type === 'event' && m.id?.startsWith(idPrefix)) ids.push(m.id);
    return ids;
  }

  get closeInfo(): { code: number; reason: string } | undefined {
    return this.#closeInfo;
  }

  /** Resolves once `condition()` holds (checked on every message and on close); rejects after `timeoutMs`. */
  waitFor(condition: () => boolean, timeoutMs: number, what = 'a condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; ${this.received.length} messages received, close ${JSON.stringify(this.#closeInfo)}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits until `count` event messages arrived (only those whose event id starts with `idPrefix`, if given). */
  untilEvents(count: number, timeoutMs = 30_000, idPrefix = ''): Promise<void> {
    return this.waitFor(
      () => this.eventIds(idPrefix).length >= count,
      timeoutMs,
      `${count} events${idPrefix ? ` with ids ${idPrefix}…` : ''}`,
    );
  }

  close(): void {
    this.socket.close();
  }

  #onMessage(data: Buffer): void {
    let message: Received | undefined;
    if (this.#light) {
      const head = HEAD.exec(data.subarray(0, 300).toString());
      if (head?.[1] === 'event')
        message = { type: 'event', seq: Number(head[2]), id: head[3], at: performance.now() };
    }
    if (message === undefined) {
      const json = JSON.parse(data.toString()) as Record<string, unknown>;
      const event = json.event as { id?: string } | undefined;
      message = {
        type: String(json.type),
        seq: typeof json.seq === 'number' && json.type !== 'hello' ? json.seq : undefined,
        id: event?.id,
        json,
        at: performance.now(),
      };
      if (json.type === 'hello') this.#hello = json as unknown as Hello;
    }
    this.received.push(message);
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }
}

/** Asserts-free check used by tests: every message's seq is one more than the previous (from `first`). */
export function seqGaps(messages: readonly Received[], first: number): string[] {
  const gaps: string[] = [];
  let expected = first;
  for (const m of messages) {
    if (m.seq !== expected) gaps.push(`expected seq ${expected}, got ${m.seq}`);
    expected = (m.seq ?? expected) + 1;
  }
  return gaps;
}
