import type { Delivery } from './delivery';
import { DeliveryDroppedError } from './errors';
import { RingBuffer } from './ringBuffer';
import type { AnyEnvelope, DropInfo, DropReason, OverflowPolicy, SubscriptionStats } from './types';

/** Topic-wide counters; they outlive the topic's subscriptions. */
export interface TopicCounters {
  published: number;
  delivered: number;
  dropped: number;
  handlerErrors: number;
}

/** What a subscription needs from its bus. */
export interface SubscriptionContext<M> {
  readonly counters: TopicCounters;
  readonly onHandlerError: (error: unknown, envelope: AnyEnvelope<M>, subscriber: string) => void;
  readonly onDrop: ((drop: DropInfo<M>) => void) | undefined;
  /** Called once a removed subscription has no handler call left running. */
  readonly onRetired: (subscription: Subscription<M>) => void;
}

/** Fixed settings of one subscription, resolved by the bus from topic policy and `on` options. */
export interface SubscriptionConfig<M> {
  readonly name: string;
  readonly overflow: OverflowPolicy;
  readonly capacity: number;
  readonly concurrency: number;
  readonly handler: (envelope: AnyEnvelope<M>) => unknown;
}

interface BlockedPublisher<M> {
  readonly delivery: Delivery<M>;
  readonly resolve: () => void;
}

/**
 * One subscriber's bounded FIFO and the worker(s) feeding its handler. Under `block`,
 * publishers that find the queue full wait in arrival order and are moved into the queue
 * the moment a slot frees, so no later publisher can overtake them.
 */
export class Subscription<M> {
  readonly name: string;
  readonly overflow: OverflowPolicy;
  readonly concurrency: number;
  readonly #handler: (envelope: AnyEnvelope<M>) => unknown;
  readonly #context: SubscriptionContext<M>;
  readonly #queue: RingBuffer<Delivery<M>>;
  readonly #blockedPublishers: BlockedPublisher<M>[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #workers = 0;
  #retired = false;
  #highWaterMark = 0;
  #blocked = 0;
  #delivered = 0;
  #dropped = 0;
  #handlerErrors = 0;

  constructor(config: SubscriptionConfig<M>, context: SubscriptionContext<M>) {
    this.name = config.name;
    this.overflow = config.overflow;
    this.concurrency = config.concurrency;
    this.#handler = config.handler;
    this.#context = context;
    this.#queue = new RingBuffer(config.capacity);
  }

  /** Nothing queued, nothing running, nobody waiting to enqueue. */
  get idle(): boolean {
    return this.#queue.length === 0 && this.#workers === 0 && this.#blockedPublishers.length === 0;
  }

  /**
   * Queues a delivery. Returns `undefined` when it is queued now, or a promise that resolves
   * once it is queued (the publisher is blocked until then; the promise never rejects).
   */
  offer(delivery: Delivery<M>): Promise<void> | undefined {
    if (this.#retired) return undefined;
    if (this.#queue.full) {
      if (this.overflow === 'block') {
        this.#blocked++;
        return new Promise((resolve) => this.#blockedPublishers.push({ delivery, resolve }));
      }
      const oldest = this.#queue.shift();
      if (oldest !== undefined) this.#drop(oldest, 'overflow');
    }
    this.#enqueue(delivery);
    return undefined;
  }

  /** Resolves when `idle` is true. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops the subscription: queued and blocked deliveries are dropped (counted, reported,
   * and failed for `publishAndWaitForHandlers`) and blocked publishers are released.
   * A handler call already running finishes.
   */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    for (const delivery of this.#queue.clear()) this.#drop(delivery, 'unsubscribed');
    for (const blocked of this.#blockedPublishers.splice(0)) {
      this.#drop(blocked.delivery, 'unsubscribed');
      blocked.resolve();
    }
    this.#checkIdle();
  }

  /** A snapshot of this subscription's counters and gauges. */
  stats(): SubscriptionStats {
    return {
      name: this.name,
      overflow: this.overflow,
      capacity: this.#queue.limit,
      concurrency: this.concurrency,
      queueDepth: this.#queue.length,
      highWaterMark: this.#highWaterMark,
      inFlight: this.#workers,
      blockedPublishers: this.#blockedPublishers.length,
      blocked: this.#blocked,
      delivered: this.#delivered,
      dropped: this.#dropped,
      handlerErrors: this.#handlerErrors,
    };
  }

  #enqueue(delivery: Delivery<M>): void {
    this.#queue.push(delivery);
    if (this.#queue.length > this.#highWaterMark) this.#highWaterMark = this.#queue.length;
    if (this.#workers < this.concurrency) {
      this.#workers++;
      // A microtask, not a direct call: handlers never run inside the publisher's stack.
      queueMicrotask(() => void this.#work());
    }
  }

  #next(): Delivery<M> | undefined {
    const delivery = this.#queue.shift();
    const blocked = this.#blockedPublishers.shift();
    if (blocked !== undefined) {
      this.#queue.push(blocked.delivery);
      blocked.resolve();
    }
    return delivery;
  }

  async #work(): Promise<void> {
    for (let delivery = this.#next(); delivery !== undefined; delivery = this.#next()) {
      try {
        const result = this.#handler(delivery.envelope);
        // Only await promises: a synchronous handler then costs no extra microtask.
        if (isThenable(result)) await result;
      } catch (error) {
        this.#failed(delivery, error);
        continue;
      }
      this.#delivered++;
      this.#context.counters.delivered++;
      delivery.completion?.succeed();
    }
    this.#workers--;
    this.#checkIdle();
  }

  #failed(delivery: Delivery<M>, error: unknown): void {
    this.#handlerErrors++;
    this.#context.counters.handlerErrors++;
    delivery.completion?.fail(error);
    const { onHandlerError } = this.#context;
    report(() => onHandlerError(error, delivery.envelope, this.name), 'onHandlerError');
  }

  #drop(delivery: Delivery<M>, reason: DropReason): void {
    this.#dropped++;
    this.#context.counters.dropped++;
    delivery.completion?.fail(new DeliveryDroppedError(delivery.envelope.topic, this.name, reason));
    const { onDrop } = this.#context;
    if (onDrop !== undefined) {
      report(() => onDrop({ reason, subscriber: this.name, envelope: delivery.envelope }), 'onDrop');
    }
  }

  #checkIdle(): void {
    if (!this.idle) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    if (this.#retired) this.#context.onRetired(this);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Runs a reporting hook so that its failure cannot stall the subscription. A hook that throws
 * is a bug in the app's wiring, not in a handler: it is rethrown outside the bus, where the
 * process-level handler logs it and exits (crash-only), rather than being swallowed here.
 */
function report(hook: () => void, hookName: string): void {
  try {
    hook();
  } catch (error) {
    queueMicrotask(() => {
      throw new Error(`event bus ${hookName} hook threw`, { cause: error });
    });
  }
}
