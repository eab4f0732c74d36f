import { randomUUID } from 'node:crypto';
import { Completion, type Delivery } from './delivery';
import { BusClosedError } from './errors';
import { OwnerRegistry, subscriberName } from './owners';
import { Subscription, type SubscriptionContext, type TopicCounters } from './subscription';
import type {
  AnyEnvelope,
  BusStats,
  Envelope,
  EventBusOptions,
  Handler,
  Owner,
  PublishOptions,
  SubscribeOptions,
  Topic,
  TopicPolicy,
  TopicStats,
  Unsubscribe,
} from './types';
import { validateCapacity, validateConcurrency, validatePolicies, validateTopic } from './validation';

const DEFAULT_CAPACITY = 1024;
const BLOCK: TopicPolicy = { overflow: 'block' };

interface TopicState<M> {
  readonly policy: TopicPolicy;
  readonly counters: TopicCounters;
  readonly context: SubscriptionContext<M>;
  /** Replaced, never mutated, so a publish iterates a stable snapshot without copying. */
  subscriptions: readonly Subscription<M>[];
}

/**
 * Typed in-process publish/subscribe. Each subscription has its own bounded queue and
 * worker; a topic's overflow policy decides whether a full queue blocks the publisher
 * (`block`, default) or drops its oldest event (`drop-oldest`). One instance lives in the
 * app context. Shutdown: stop producers, `await drain()`, `close()`, then stop consumers.
 */
export class EventBus<M extends object> {
  readonly #policies: Partial<Record<string, TopicPolicy>>;
  readonly #defaultCapacity: number;
  readonly #options: EventBusOptions<M>;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #topics = new Map<string, TopicState<M>>();
  readonly #owners = new OwnerRegistry();
  /** Every subscription that may still have work, including removed ones finishing a call. */
  readonly #live = new Set<Subscription<M>>();
  #seq = 0;
  #closed = false;

  constructor(options: EventBusOptions<M>) {
    this.#policies = validatePolicies(options.policies ?? {});
    this.#defaultCapacity = validateCapacity(options.defaultCapacity ?? DEFAULT_CAPACITY, 'defaultCapacity');
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Subscribes `handler` to `topic` on behalf of `owner` (a service object or name). The
   * handler gets one envelope at a time (or up to `concurrency`), in publish order.
   * Returns a function that removes just this subscription.
   */
  on<K extends Topic<M>>(
    owner: Owner,
    topic: K,
    handler: Handler<M, K>,
    options: SubscribeOptions = {},
  ): Unsubscribe {
    const state = this.#topic(topic);
    const capacity = validateCapacity(
      options.capacity ?? state.policy.capacity ?? this.#defaultCapacity,
      `capacity of a '${topic}' subscription`,
    );
    const subscription = new Subscription<M>(
      {
        name: subscriberName(options.name, owner, topic, state.subscriptions),
        overflow: state.policy.overflow,
        capacity,
        concurrency: validateConcurrency(options.concurrency ?? 1, topic),
        // Safe: this subscription only ever receives envelopes of topic K.
        handler: handler as (envelope: AnyEnvelope<M>) => unknown,
      },
      state.context,
    );
    state.subscriptions = [...state.subscriptions, subscription];
    this.#live.add(subscription);

    return this.#owners.add(owner, () => {
      state.subscriptions = state.subscriptions.filter((s) => s !== subscription);
      subscription.retire();
    });
  }

  /** Removes every subscription registered under `owner`; returns how many there were. */
  removeOwner(owner: Owner): number {
    return this.#owners.removeAll(owner);
  }

  /**
   * Publishes to every current subscriber of `topic`. Resolves with the envelope once it is
   * queued for all of them; under `block` that waits for room (backpressure), so producers
   * must await it. Rejects with `BusClosedError` after `close()`.
   */
  async publish<K extends Topic<M>>(
    topic: K,
    payload: M[K],
    options?: PublishOptions,
  ): Promise<Envelope<M, K>> {
    const { envelope, subscriptions } = this.#prepare(topic, payload, options);
    const delivery: Delivery<M> = { envelope, completion: undefined };
    // Offer to every subscriber synchronously before awaiting any, so this publication takes
    // its place in every queue now and concurrent publishers cannot interleave differently.
    const waits: Promise<void>[] = [];
    for (const subscription of subscriptions) {
      const wait = subscription.offer(delivery);
      if (wait !== undefined) waits.push(wait);
    }
    if (waits.length > 0) await Promise.all(waits);
    return envelope as Envelope<M, K>;
  }

  /**
   * Publishes like `publish`, but resolves only after every subscriber's handler finished
   * with this event, so resolution can serve as an acknowledgement (e.g. "persisted").
   * Rejects with an AggregateError holding each handler's error, or a DeliveryDroppedError
   * for a subscriber that never got it. Do not await it from a handler of the same topic:
   * that handler would wait for itself.
   */
  async publishAndWaitForHandlers<K extends Topic<M>>(
    topic: K,
    payload: M[K],
    options?: PublishOptions,
  ): Promise<Envelope<M, K>> {
    const { envelope, subscriptions } = this.#prepare(topic, payload, options);
    if (subscriptions.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const describe = `'${topic}' (id ${envelope.id})`;
        const delivery: Delivery<M> = {
          envelope,
          completion: new Completion(subscriptions.length, describe, resolve, reject),
        };
        // Blocked enqueues need no await here: handling, which we wait for, comes after them.
        for (const subscription of subscriptions) void subscription.offer(delivery);
      });
    }
    return envelope as Envelope<M, K>;
  }

  /**
   * Resolves once every queue is empty, no handler is running and no publisher is blocked,
   * including events that handlers publish meanwhile. Does not stop new publishes; see `close`.
   */
  async drain(): Promise<void> {
    for (;;) {
      const busy = [...this.#live].filter((subscription) => !subscription.idle);
      if (busy.length === 0) return;
      await Promise.all(busy.map((subscription) => subscription.whenIdle()));
    }
  }

  /**
   * Refuses further publishes (they reject with `BusClosedError`); queued events are still
   * handled and subscriptions stay. Idempotent. Call after producers stopped and `drain()`.
   */
  close(): void {
    this.#closed = true;
  }

  /** A snapshot of per-topic counters and per-subscription queue gauges. */
  stats(): BusStats {
    const topics: Record<string, TopicStats> = {};
    for (const [topic, state] of this.#topics) {
      topics[topic] = { ...state.counters, subscriptions: state.subscriptions.map((s) => s.stats()) };
    }
    return { closed: this.#closed, topics };
  }

  #prepare(
    topic: Topic<M>,
    payload: unknown,
    options: PublishOptions | undefined,
  ): { envelope: AnyEnvelope<M>; subscriptions: readonly Subscription<M>[] } {
    if (this.#closed) throw new BusClosedError(topic);
    const state = this.#topic(topic);
    state.counters.published++;
    const envelope = {
      topic,
      payload,
      id: this.#newId(),
      correlationId: options?.correlationId ?? this.#newId(),
      causationId: options?.causationId,
      publishedAt: this.#now(),
      seq: ++this.#seq,
    } as AnyEnvelope<M>;
    return { envelope, subscriptions: state.subscriptions };
  }

  #topic(topic: string): TopicState<M> {
    const existing = this.#topics.get(topic);
    if (existing !== undefined) return existing;
    validateTopic(topic);
    const counters: TopicCounters = { published: 0, delivered: 0, dropped: 0, handlerErrors: 0 };
    const state: TopicState<M> = {
      policy: this.#policies[topic] ?? BLOCK,
      counters,
      context: {
        counters,
        onHandlerError: this.#options.onHandlerError,
        onDrop: this.#options.onDrop,
        onRetired: (subscription) => this.#live.delete(subscription),
      },
      subscriptions: [],
    };
    this.#topics.set(topic, state);
    return state;
  }
}

/**
 * What an area does with the bus: subscribe and publish on the topics of its own map `M`. The
 * application's bus carries every area's topics and fits any of these.
 */
export type Bus<M extends object> = Pick<
  EventBus<M>,
  'on' | 'publish' | 'publishAndWaitForHandlers' | 'removeOwner'
>;
