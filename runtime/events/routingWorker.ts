import type { Logger } from '../../base/logger';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision, RuleContext } from '../rules/decision';
import { PairTally } from './counterTally';
import type { EnrichmentResult } from './enrichment/types';
import { type EventMetrics, endStage } from './eventMetrics';
import type { DeliveryResult } from './routing/channel';
import {
  auditOp,
  deadLetterOp,
  decisionOp,
  enrichmentOps,
  type RoutingOp,
  type RoutingRecorder,
  resolveDeadLettersOp,
  stateOp,
} from './routingOps';
import {
  asError,
  type Decided,
  deadLetterOps,
  descriptionOf,
  type Outcome,
  routeSummary,
} from './routingOutcome';
import { DEFAULT_RETRY, type RetryPolicy, RoutingRetries } from './routingRetries';
import type { RoutingStore } from './routingStore';

export interface RoutingDeps {
  /** Collects a batch's rows; the staged channels (the MQTT outbox) record theirs into it too. */
  recorder: RoutingRecorder;
  /**
   * Writes rows in one transaction; resolves once it is durable, rejects if a row failed (nothing
   * of it is written then). The appliance commits in the event log's writer thread.
   */
  commit: (ops: RoutingOp[]) => Promise<void>;
  /** Finds the stored events not yet routed, for `scan()`. */
  routing: Pick<RoutingStore, 'pending'>;
  enrich: (event: VigilEvent) => Promise<EnrichmentResult[]>;
  decide: (event: VigilEvent, context: RuleContext) => Decision;
  /** Hands the event to the staged channels (the MQTT outbox), which record their rows into the batch. */
  stage: (event: VigilEvent, decision: Decision, description: string | null, at: number) => DeliveryResult[];
  /** Delivers to the other channels in the decision, once the decision is stored. */
  deliver: (event: VigilEvent, decision: Decision, description: string | null) => Promise<DeliveryResult[]>;
  /**
   * Whether the decision routes to a channel delivered after the commit (`deliver`). When it does
   * not, the event is `routed` in the decision's own transaction. Default: every allowed decision does.
   */
  delivers?: (decision: Decision) => boolean;
  context: (event: VigilEvent) => RuleContext;
  metrics: EventMetrics;
  logger: Logger;
  /** Batches enriched and routed at once. */
  concurrency: number;
  /** Most events in one batch (default 512): a batch takes whatever is pending, up to this. */
  maxBatch?: number;
  /** Events held in memory; beyond it they wait in the database and are picked up by a scan. */
  capacity: number;
  /**
   * Automatic retries of an event whose routing failed (dead-lettered at stage `process`): up to
   * `attempts` more tries, `backoffMs` after the failure and twice as long before each further
   * one (default 3 and 1,000 ms). A retry that routes the event resolves its dead letters.
   */
  retry?: RetryPolicy;
  now?: () => number;
}

const DEFAULT_MAX_BATCH = 512;
/**
 * Committed batches whose live deliveries may be under way at once. A webhook that hangs until
 * its timeout holds its batch that long; past this many, routing waits for them (the events
 * behind wait safely in the queue and the database).
 */
const MAX_DELIVERING_BATCHES = 64;

/**
 * The part after the acknowledgement, in batches: whatever is pending (up to `maxBatch`) is
 * enriched concurrently, ruled, and its whole outcome — enrichments, decisions, outbox rows,
 * states, dead letters — written in one transaction; then delivered to the other channels, and the
 * results of those whose outcome is stored (webhooks, GPIO, clips) written in one more transaction
 * per batch (an event routed only to the outbox and live views is `routed` in the first). A
 * committed batch is delivered while the next ones are enriched. It works from the database: events left
 * `persisted` or `enriched` by a crash, or that did not fit in memory, are picked up by `scan()`;
 * the outbox row is `INSERT OR IGNORE`d, so routing an event again never queues it twice.
 */
export class RoutingWorker {
  readonly #deps: RoutingDeps;
  readonly #now: () => number;
  readonly #maxBatch: number;
  readonly #queue: VigilEvent[] = [];
  readonly #queued = new Set<string>();
  /** Batches being enriched and committed. */
  #running = 0;
  /** Batches committed and being delivered. */
  #delivering = 0;
  #overflowed = false;
  #scanning: Promise<void> | undefined;
  #idle: Array<() => void> = [];
  #stopped = false;
  readonly #retries: RoutingRetries;

  constructor(deps: RoutingDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#maxBatch = Math.max(1, deps.maxBatch ?? DEFAULT_MAX_BATCH);
    this.#retries = new RoutingRetries(deps.retry ?? DEFAULT_RETRY, (event) => this.enqueue(event));
  }

  enqueue(event: VigilEvent): void {
    if (this.#add(event)) this.#pump();
  }

  /** Queues without starting a batch; false when stopped or full. */
  #add(event: VigilEvent): boolean {
    if (this.#stopped) return false;
    if (this.#queue.length >= this.#deps.capacity) {
      // It is safe on disk; a scan will find it once the queue has room.
      this.#overflowed = true;
      return false;
    }
    this.#queued.add(event.id);
    this.#queue.push(event);
    this.#deps.metrics.routingQueue.set(this.#queue.length);
    return true;
  }

  /** Loads every stored event not yet routed (oldest first) into the queue, as room allows. */
  scan(): Promise<void> {
    this.#scanning ??= this.#scan().finally(() => {
      this.#scanning = undefined;
    });
    return this.#scanning;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#delivering === 0 && this.#queue.length === 0 && !this.#scanning)
      return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops taking work and waits for what is running; queued events stay in the database for next time. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#retries.stop();
    this.#queue.length = 0;
    this.#queued.clear();
    await this.idle();
  }

  get depth(): number {
    return this.#queue.length;
  }

  /** Events whose routing failed and that wait for an automatic retry. */
  get retrying(): number {
    return this.#retries.waiting;
  }

  async #scan(): Promise<void> {
    let after = 0;
    for (;;) {
      const room = this.#deps.capacity - this.#queue.length;
      if (this.#stopped || room <= 0) {
        this.#overflowed = true;
        return;
      }
      const batch = this.#deps.routing.pending(after, Math.min(room, 500));
      if (batch.length === 0) return;
      for (const { rowid, event } of batch) {
        after = rowid;
        if (!this.#queued.has(event.id)) this.#add(event);
      }
      // A page at a time: a backlog becomes whole batches, not one event each.
      this.#pump();
    }
  }

  #pump(): void {
    while (
      !this.#stopped &&
      this.#running < this.#deps.concurrency &&
      this.#delivering < MAX_DELIVERING_BATCHES &&
      this.#queue.length > 0
    ) {
      // Adaptive: at a trickle each event is its own batch (no waiting), under load they grow.
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#running += 1;
      this.#deps.metrics.routingQueue.set(this.#queue.length);
      const committed = this.#decideAndCommit(batch).catch((err: unknown) => {
        this.#deps.logger.error(
          { err, events: batch.length },
          'routing batch failed; routed again at next start',
        );
        return { delivery: Promise.resolve() };
      });
      void committed.then(({ delivery }) => {
        // The batch's outcome is durable: the next batch may start while this one is delivered,
        // so a slow webhook does not hold up the outbox of the events behind it.
        this.#running -= 1;
        this.#delivering += 1;
        this.#pump();
        void delivery.finally(() => {
          this.#delivering -= 1;
          // Only now: a scan meanwhile would find these events `enriched` and route them twice.
          for (const event of batch) this.#queued.delete(event.id);
          if (this.#queue.length === 0 && this.#overflowed && !this.#stopped) {
            this.#overflowed = false;
            void this.scan();
          }
          this.#pump();
          this.#checkIdle();
        });
      });
    }
  }

  #checkIdle(): void {
    if (this.#running === 0 && this.#delivering === 0 && this.#queue.length === 0 && !this.#scanning) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /**
   * Enriches and rules a batch and commits its outcome; resolves, once that is durable, with the
   * batch's delivery under way (which never rejects), wrapped so that awaiting this does not wait for it.
   */
  async #decideAndCommit(batch: readonly VigilEvent[]): Promise<{ delivery: Promise<void> }> {
    const { metrics, logger } = this.#deps;
    const mark = performance.now();
    const outcomes = await Promise.all(batch.map((event) => this.#decide(event)));
    endStage(metrics, logger, 'enrich', mark, batch.length === 1 ? batch[0]?.id : undefined);
    const at = this.#now();
    const { recorder } = this.#deps;
    const ranges = outcomes.map((_, i) => {
      const start = recorder.mark();
      this.#record(outcomes, i, at);
      return [start, recorder.mark()] as const;
    });
    const ops = recorder.take();
    try {
      await this.#deps.commit(ops);
    } catch (err) {
      // A row was refused: commit each event's rows alone, so only the event at fault fails.
      logger.warn({ err, events: batch.length }, 'routing batch write failed; writing its events one by one');
      await this.#commitOneByOne(
        outcomes,
        ranges.map(([from, to]) => ops.slice(from, to)),
      );
    }
    this.#countOutcomes(outcomes);
    const delivery = this.#deliver(outcomes).catch((err: unknown) =>
      logger.error(
        { err, events: batch.length },
        'delivering a routing batch failed; routed again at next start',
      ),
    );
    return { delivery };
  }

  /**
   * Every allowed event goes to the live channels (and the live views); the results of those
   * whose decision routes somewhere after the commit are stored, and they become `routed` then.
   */
  async #deliver(outcomes: readonly Outcome[]): Promise<void> {
    const { metrics, logger } = this.#deps;
    const mark = performance.now();
    const allowed = outcomes.filter((o): o is Decided => 'decision' in o && o.decision.allowed);
    // The live and after-commit channels' results; the staged ones' came with the commit.
    const delivered = await Promise.all(
      allowed.map((o) => this.#deps.deliver(o.event, o.decision, o.description)),
    );
    endStage(metrics, logger, 'route', mark, outcomes.length === 1 ? outcomes[0]?.event.id : undefined);
    const delivering: Decided[] = [];
    const deliveries: DeliveryResult[][] = [];
    const routed = new PairTally(metrics.routed, 'channel', 'ok');
    allowed.forEach((o, i) => {
      const results = delivered[i] ?? [];
      if (this.#delivers(o.decision)) {
        delivering.push(o);
        deliveries.push(o.staged === undefined ? results : [...o.staged, ...results]);
        return;
      }
      // Live views only: counted and logged, not stored (the event is already `routed`).
      for (const d of results) {
        routed.add(d.channel, String(d.ok));
        if (!d.ok)
          logger.warn({ eventId: o.event.id, channel: d.channel, error: d.error }, 'live delivery failed');
      }
    });
    routed.flush();
    if (delivering.length > 0) await this.#writeDeliveries(delivering, deliveries);
    this.#observeRouted(outcomes);
  }

  /** Enrichment and rules for one event; never rejects (a failure becomes a dead letter). */
  async #decide(event: VigilEvent): Promise<Outcome> {
    try {
      const results = await this.#deps.enrich(event);
      const decision = this.#deps.decide(event, this.#deps.context(event));
      return { event, results, decision, description: descriptionOf(results) };
    } catch (err) {
      return { event, error: asError(err) };
    }
  }

  /**
   * Records outcome `i`'s rows into the batch. A staged channel that throws drops the event's
   * rows again, and the event is dead-lettered instead.
   */
  #record(outcomes: Outcome[], i: number, at: number): void {
    const outcome = outcomes[i] as Outcome;
    const { recorder } = this.#deps;
    if (!('decision' in outcome)) {
      recorder.add(...deadLetterOps(outcome.event, outcome.error, at));
      return;
    }
    const mark = recorder.mark();
    try {
      const { event, results, decision, description } = outcome;
      const reason = decision.matched.length > 0 ? `rules: ${decision.matched.join(', ')}` : null;
      recorder.add(...enrichmentOps(event.id, results));
      if (this.#retries.has(event.id)) recorder.add(resolveDeadLettersOp(event.id, at));
      const staged = this.#deps.stage(event, decision, description, at);
      outcome.staged = staged;
      if (!decision.allowed) {
        recorder.add(
          decisionOp(event, decision, description, { state: 'filtered', at, actor: 'processor', reason }),
        );
      } else if (this.#delivers(decision)) {
        recorder.add(
          decisionOp(event, decision, description, { state: 'enriched', at, actor: 'processor', reason }),
        );
      } else {
        // Nothing left whose outcome is stored (at most live views, sent after the commit):
        // routed now, in the same transaction and the same row update; both audit rows stay.
        const live = [...new Set(decision.routes)].filter((name) => !staged.some((d) => d.channel === name));
        const summary = routeSummary(staged, live);
        recorder.add(
          auditOp(event.id, 'enriched', at, 'processor', reason),
          decisionOp(event, decision, description, {
            state: 'routed',
            at,
            actor: 'processor',
            reason: summary,
          }),
        );
      }
    } catch (err) {
      recorder.rollbackTo(mark);
      const failed = { event: outcome.event, error: asError(err) };
      outcomes[i] = failed;
      recorder.add(...deadLetterOps(failed.event, failed.error, at));
    }
  }

  /**
   * The fallback when the batch's transaction was refused: each event's rows in a commit of
   * their own (the writer still groups them, each in a savepoint), and an event whose rows are
   * still refused is dead-lettered.
   */
  async #commitOneByOne(outcomes: Outcome[], rows: RoutingOp[][]): Promise<void> {
    const { commit, logger } = this.#deps;
    await Promise.all(
      outcomes.map(async (outcome, i) => {
        try {
          await commit(rows[i] ?? []);
        } catch (err) {
          const error = asError(err);
          outcomes[i] = { event: outcome.event, error };
          await commit(deadLetterOps(outcome.event, error, this.#now())).catch((writeErr: unknown) =>
            logger.error(
              { err: writeErr, eventId: outcome.event.id },
              'dead letter not stored; the event is retried at the next start',
            ),
          );
        }
      }),
    );
  }

  /** The stored channels' results of a batch, in one transaction: dead letters and `routed` states. */
  async #writeDeliveries(delivered: readonly Decided[], deliveries: DeliveryResult[][]): Promise<void> {
    const { metrics, logger } = this.#deps;
    const routed = new PairTally(metrics.routed, 'channel', 'ok');
    for (const results of deliveries) for (const d of results) routed.add(d.channel, String(d.ok));
    routed.flush();
    const done = this.#now();
    const ops: RoutingOp[] = [];
    delivered.forEach((o, i) => {
      const results = deliveries[i] ?? [];
      for (const f of results) {
        if (!f.ok)
          ops.push(
            deadLetterOp(
              o.event.id,
              `route:${f.channel}`,
              f.error ?? 'delivery failed',
              { channel: f.channel },
              done,
            ),
          );
      }
      ops.push(stateOp(o.event.id, 'routed', done, 'processor', routeSummary(results)));
    });
    try {
      await this.#deps.commit(ops);
    } catch (err) {
      // They stay `enriched`: the next start routes them again (the outbox row stays one).
      logger.error(
        { err, events: delivered.length },
        'delivery results not stored; routed again at next start',
      );
      return;
    }
    for (const results of deliveries)
      for (const f of results) if (!f.ok) metrics.deadLetters.inc({ stage: `route:${f.channel}` });
  }

  #countOutcomes(outcomes: readonly Outcome[]): void {
    const { metrics, logger } = this.#deps;
    const enriched = new PairTally(metrics.enriched, 'enricher', 'status');
    const routed = new PairTally(metrics.routed, 'channel', 'ok');
    let filtered = 0;
    for (const o of outcomes) {
      if (!('decision' in o)) {
        const retry = this.#retries.schedule(o.event);
        logger.error(
          { err: o.error, eventId: o.event.id, retry_in_ms: retry },
          retry === null
            ? 'event could not be enriched and routed; dead-lettered'
            : 'event could not be enriched and routed; dead-lettered, retried automatically',
        );
        metrics.deadLetters.inc({ stage: 'process' });
        continue;
      }
      this.#retries.succeeded(o.event.id);
      for (const r of o.results) enriched.add(r.enricher, r.status);
      if (!o.decision.allowed) filtered += 1;
      else if (!this.#delivers(o.decision))
        for (const d of o.staged ?? []) routed.add(d.channel, String(d.ok));
    }
    // Once per batch and label pair, not per event.
    enriched.flush();
    routed.flush();
    if (filtered > 0) metrics.filtered.inc(filtered);
  }

  #delivers(decision: Decision): boolean {
    if (!decision.allowed) return false;
    return this.#deps.delivers?.(decision) ?? true;
  }

  /** Receipt → routed of each event of the batch that was routed (not filtered, not dead-lettered). */
  #observeRouted(outcomes: readonly Outcome[]): void {
    const now = this.#now();
    for (const o of outcomes) {
      if ('decision' in o && o.decision.allowed)
        this.#deps.metrics.endToEndSeconds.observe((now - o.event.receivedAt) / 1000);
    }
  }
}
