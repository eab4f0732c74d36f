/** What a FairScheduler needs: the work, how much of it runs at once, and the queue bound. */
export interface FairSchedulerOptions<I, O> {
  /** Does one item (e.g. runs the detector on one region). */
  run(item: I): Promise<O>;
  /** Items running at once (a detector's instances). */
  concurrency: number;
  /** Items one queue may hold waiting; a further one drops that queue's oldest. */
  queueLimit: number;
}

interface Waiting<I, O> {
  item: I;
  /** Submission order within the scheduler, to find a queue's oldest item. */
  seq: number;
  resolve(result: O | null): void;
  reject(err: unknown): void;
}

/** One queue's waiting items, those marked urgent first, and its counters. */
interface Queue<I, O> {
  urgent: Waiting<I, O>[];
  normal: Waiting<I, O>[];
  served: number;
  dropped: number;
}

/** A queue's counters since it was first used. */
export interface QueueCounts {
  /** Items waiting now. */
  waiting: number;
  /** Items that were run (or are running). */
  served: number;
  /** Items dropped unrun because the queue was full, or the scheduler closed. */
  dropped: number;
}

/**
 * Shares a limited resource (a detector's instances) between named queues (cameras), so a busy
 * queue cannot starve a quiet one: whenever a slot is free, the next queue in round-robin order
 * that has work gets it, so each queue with work is served once per round however much the others
 * submit. Within a queue, urgent items (regions of objects already tracked) go first, then the
 * rest in order. Queues are bounded: submitting to a full queue drops its oldest waiting item,
 * which resolves to null, so a queue holds fresh work and never a backlog.
 */
export class FairScheduler<I, O> {
  readonly #options: FairSchedulerOptions<I, O>;
  /** Queues in round-robin order (first use); a Map keeps insertion order. */
  readonly #queues = new Map<string, Queue<I, O>>();
  /** The queue served last; the next round starts after it. */
  #last: string | undefined;
  #running = 0;
  #seq = 0;
  #closed = false;

  constructor(options: FairSchedulerOptions<I, O>) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new Error(`concurrency must be a positive integer (got ${options.concurrency})`);
    if (!Number.isInteger(options.queueLimit) || options.queueLimit < 1)
      throw new Error(`queueLimit must be a positive integer (got ${options.queueLimit})`);
    this.#options = options;
  }

  /**
   * Queues `item` on `queue` and resolves with its result once run, or with null if it was
   * dropped (its queue overflowed, or the scheduler closed). Rejects if running it fails.
   */
  submit(queue: string, item: I, urgent = false): Promise<O | null> {
    if (this.#closed) return Promise.resolve(null);
    const state = this.#queue(queue);
    return new Promise<O | null>((resolve, reject) => {
      if (waitingIn(state) >= this.#options.queueLimit) this.#dropOldest(state);
      const waiting = { item, seq: this.#seq++, resolve, reject };
      (urgent ? state.urgent : state.normal).push(waiting);
      this.#pump();
    });
  }

  /** The counters of `queue` (zeros for one never used). */
  counts(queue: string): QueueCounts {
    const state = this.#queues.get(queue);
    if (!state) return { waiting: 0, served: 0, dropped: 0 };
    return { waiting: waitingIn(state), served: state.served, dropped: state.dropped };
  }

  /** Items running now. */
  running(): number {
    return this.#running;
  }

  /** Drops everything waiting (resolving it to null) and takes no more work; running items finish. */
  close(): void {
    this.#closed = true;
    for (const state of this.#queues.values()) {
      for (const waiting of [...state.urgent, ...state.normal]) waiting.resolve(null);
      state.dropped += waitingIn(state);
      state.urgent.length = 0;
      state.normal.length = 0;
    }
  }

  #queue(name: string): Queue<I, O> {
    let state = this.#queues.get(name);
    if (!state) {
      state = { urgent: [], normal: [], served: 0, dropped: 0 };
      this.#queues.set(name, state);
    }
    return state;
  }

  #dropOldest(state: Queue<I, O>): void {
    const [urgent] = state.urgent;
    const [normal] = state.normal;
    const fromUrgent = urgent !== undefined && (normal === undefined || urgent.seq < normal.seq);
    const oldest = fromUrgent ? state.urgent.shift() : state.normal.shift();
    if (!oldest) return;
    state.dropped++;
    oldest.resolve(null);
  }

  /** Starts waiting items while slots are free, one queue at a time in round-robin order. */
  #pump(): void {
    while (this.#running < this.#options.concurrency) {
      const next = this.#nextQueue();
      if (!next) return;
      const [name, state] = next;
      const waiting = state.urgent.shift() ?? state.normal.shift();
      if (!waiting) return;
      this.#last = name;
      state.served++;
      this.#running++;
      this.#start(waiting);
    }
  }

  #start(waiting: Waiting<I, O>): void {
    let result: Promise<O>;
    try {
      result = this.#options.run(waiting.item);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(waiting.resolve, waiting.reject).finally(() => {
      this.#running--;
      this.#pump();
    });
  }

  /** The first queue with work after the one served last, wrapping around. */
  #nextQueue(): [string, Queue<I, O>] | undefined {
    const entries = [...this.#queues];
    const after = entries.findIndex(([name]) => name === this.#last) + 1;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[(after + i) % entries.length];
      if (entry && waitingIn(entry[1]) > 0) return entry;
    }
    return undefined;
  }
}

function waitingIn(state: Queue<unknown, unknown>): number {
  return state.urgent.length + state.normal.length;
}
