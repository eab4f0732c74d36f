/**
 * Topic names of an event map: its string keys. The map is a plain interface
 * (`{ 'camera.frame': Frame; ... }`); an interface works, which `Record<string, unknown>`
 * would reject for lack of an index signature.
 */
export type Topic<M> = keyof M & string;

/** What every subscriber receives: the payload plus who/when/why metadata. */
export interface Envelope<M, K extends Topic<M> = Topic<M>> {
  readonly topic: K;
  readonly payload: M[K];
  /** Unique id of this publication (crypto.randomUUID). */
  readonly id: string;
  /** Shared by every event of one causal chain; generated when the publisher gave none. */
  readonly correlationId: string;
  /** `id` of the event whose handler published this one, when it was published via `childOf`. */
  readonly causationId?: string;
  /** Epoch milliseconds at publish. */
  readonly publishedAt: number;
  /** Per-bus publish counter (1, 2, 3…): a total order of publications across topics. */
  readonly seq: number;
}

/** An envelope of any topic of `M`, as a union that narrows on `topic`. */
export type AnyEnvelope<M> = { [K in Topic<M>]: Envelope<M, K> }[Topic<M>];

/** Optional causal metadata for `publish`; `childOf(envelope)` builds it for follow-up events. */
export interface PublishOptions {
  correlationId?: string;
  causationId?: string;
}

/** A subscriber's callback; a returned promise is awaited before the next event is handed over. */
export type Handler<M, K extends Topic<M>> = (envelope: Envelope<M, K>) => void | Promise<void>;

/** Removes one subscription; calling it again does nothing. */
export type Unsubscribe = () => void;

/** Anything that identifies a service owning subscriptions: the service object itself or its name. */
export type Owner = object | string;

/**
 * What happens when a subscriber's queue is full.
 * - `block`: the publisher's `publish()` waits until there is room. Nothing is lost. The default.
 * - `drop-oldest`: the oldest queued event is dropped (counted, reported) to make room. Only
 *   for topics whose producer declared that losing some is fine, e.g. camera frames.
 */
export type OverflowPolicy = 'block' | 'drop-oldest';

/** How a topic behaves under load; declared once, when the bus is built. */
export interface TopicPolicy {
  overflow: OverflowPolicy;
  /** Queue capacity of each subscription to this topic, unless a subscription sets its own. */
  capacity?: number;
}

/** Policies by topic; topics not listed use `block` and the bus's default capacity. */
export type TopicPolicies<M> = { readonly [K in Topic<M>]?: TopicPolicy };

/** Per-subscription options for `on`. */
export interface SubscribeOptions {
  /** Name in stats and error reports; defaults to `<owner>/<topic>`. */
  name?: string;
  /** Queued events this subscription may hold (not counting ones being handled). */
  capacity?: number;
  /** Handler calls allowed in flight at once; 1 (the default) keeps events strictly in order. */
  concurrency?: number;
}

/** Why a queued event never reached a handler. */
export type DropReason = 'overflow' | 'unsubscribed';

/** Passed to `onDrop` each time an event is dropped for one subscriber. */
export interface DropInfo<M> {
  reason: DropReason;
  subscriber: string;
  envelope: AnyEnvelope<M>;
}

/** Construction options of an `EventBus`. */
export interface EventBusOptions<M> {
  /** Overflow policy (and capacity) per topic. */
  policies?: TopicPolicies<M>;
  /** Queue capacity when neither the topic policy nor the subscription gives one; default 1024. */
  defaultCapacity?: number;
  /**
   * Told about every handler that threw or rejected. Required so that handler failures always
   * reach a log; the bus itself carries on and the handler keeps receiving later events.
   */
  onHandlerError: (error: unknown, envelope: AnyEnvelope<M>, subscriber: string) => void;
  /** Told about every dropped event (they are also counted in `stats()`). */
  onDrop?: (drop: DropInfo<M>) => void;
  /** Clock for `publishedAt`; defaults to `Date.now`. */
  now?: () => number;
  /** Id generator for envelope and correlation ids; defaults to `crypto.randomUUID`. */
  newId?: () => string;
}

/** Counters and gauges of one subscription. */
export interface SubscriptionStats {
  name: string;
  overflow: OverflowPolicy;
  capacity: number;
  concurrency: number;
  /** Events waiting in the queue now. */
  queueDepth: number;
  /** Deepest the queue has been. */
  highWaterMark: number;
  /** Handler calls running now. */
  inFlight: number;
  /** Publishers currently waiting for room in this queue (`block` only). */
  blockedPublishers: number;
  /** Times a publisher had to wait for room (how often backpressure engaged). */
  blocked: number;
  /** Handler calls that completed without error. */
  delivered: number;
  dropped: number;
  handlerErrors: number;
}

/** Counters of one topic, kept even after its subscriptions are gone. */
export interface TopicStats {
  published: number;
  delivered: number;
  dropped: number;
  handlerErrors: number;
  subscriptions: SubscriptionStats[];
}

/** Snapshot returned by `EventBus#stats()`. */
export interface BusStats {
  closed: boolean;
  topics: Record<string, TopicStats>;
}
