import type { Logger } from '../../base/logger';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision, RuleContext } from '../rules/decision';
import type { GroupCommitWriter } from '../store/groupCommitWriter';
import type { EnrichmentResult } from './enrichment/types';
import { type EventMetrics, endStage } from './eventMetrics';
import type { EventStore } from './eventStore';
import type { DeliveryResult } from './routing/channel';
import type { RoutingStore } from './routingStore';

export interface RoutingDeps {
  writer: GroupCommitWriter;
  events: EventStore;
  routing: RoutingStore;
  enrich: (event: VigilEvent) => Promise<EnrichmentResult[]>;
  decide: (event: VigilEvent, context: RuleContext) => Decision;
  /** Hands the event to the staged channels (the MQTT outbox); runs inside the decision's transaction. */
  stage: (event: VigilEvent, decision: Decision, description: string | null, at: number) => DeliveryResult[];
  /** Delivers to the other channels in the decision, once the decision is stored. */
  deliver: (event: VigilEvent, decision: Decision, description: string | null) => Promise<DeliveryResult[]>;
  context: (event: VigilEvent) => RuleContext;
  metrics: EventMetrics;
  logger: Logger;
  concurrency: number;
  /** Events held in memory; beyond it they wait in the database and are picked up by a scan. */
  capacity: number;
  now?: () => number;
}

/**
 * The part after the acknowledgement: enrich → rules → persist the outcome (and the outbox row,
 * in the same transaction) → deliver. It works from the database: events left `persisted` or
 * `enriched` by a crash, or that did not fit in memory, are picked up by `scan()`.
 */
export class RoutingWorker {
  readonly #deps: RoutingDeps;
  readonly #now: () => number;
  readonly #queue: VigilEvent[] = [];
  readonly #queued = new Set<string>();
  #running = 0;
  #overflowed = false;
  #scanning: Promise<void> | undefined;
  #idle: Array<() => void> = [];
  #stopped = false;

  constructor(deps: RoutingDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  enqueue(event: VigilEvent): void {
    if (this.#stopped) return;
    if (this.#queue.length >= this.#deps.capacity) {
      // It is safe on disk; a scan will find it once the queue has room.
      this.#overflowed = true;
      return;
    }
    this.#queued.add(event.id);
    this.#queue.push(event);
    this.#deps.metrics.routingQueue.set(this.#queue.length);
    this.#pump();
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
    if (this.#running === 0 && this.#queue.length === 0 && !this.#scanning) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops taking work and waits for what is running; queued events stay in the database for next time. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#queued.clear();
    await this.idle();
  }

  get depth(): number {
    return this.#queue.length;
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
        if (!this.#queued.has(event.id)) this.enqueue(event);
      }
    }
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.#deps.concurrency && this.#queue.length > 0) {
      const event = this.#queue.shift() as VigilEvent;
      this.#running += 1;
      void this.#process(event).finally(() => {
        this.#running -= 1;
        this.#queued.delete(event.id);
        this.#deps.metrics.routingQueue.set(this.#queue.length);
        if (this.#queue.length === 0 && this.#overflowed && !this.#stopped) {
          this.#overflowed = false;
          void this.scan();
        }
        this.#pump();
        if (this.#running === 0 && this.#queue.length === 0 && !this.#scanning) {
          for (const resolve of this.#idle.splice(0)) resolve();
        }
      });
    }
  }

  async #process(event: VigilEvent): Promise<void> {
    const { metrics, writer, events, routing, logger } = this.#deps;
    try {
      let mark = performance.now();
      const results = await this.#deps.enrich(event);
      for (const r of results) metrics.enriched.inc({ enricher: r.enricher, status: r.status });
      mark = endStage(this.#deps.metrics, this.#deps.logger, 'enrich', mark, event.id);
      const decision = this.#deps.decide(event, this.#deps.context(event));
      mark = endStage(this.#deps.metrics, this.#deps.logger, 'rules', mark, event.id);
      const description = descriptionOf(results);
      const at = this.#now();
      const staged = await writer.write(() => {
        routing.saveEnrichments(event.id, results);
        routing.applyDecision(event, decision, description);
        const handed = this.#deps.stage(event, decision, description, at);
        const reason = decision.matched.length > 0 ? `rules: ${decision.matched.join(', ')}` : null;
        events.setState(event.id, decision.allowed ? 'enriched' : 'filtered', at, 'processor', reason);
        return handed;
      });
      if (!decision.allowed) {
        metrics.filtered.inc();
        return;
      }
      const deliveries = [...staged, ...(await this.#deps.deliver(event, decision, description))];
      endStage(this.#deps.metrics, this.#deps.logger, 'route', mark, event.id);
      for (const d of deliveries) metrics.routed.inc({ channel: d.channel, ok: String(d.ok) });
      const failed = deliveries.filter((d) => !d.ok);
      await writer.write(() => {
        const done = this.#now();
        for (const f of failed) {
          routing.addDeadLetter(
            event.id,
            `route:${f.channel}`,
            f.error ?? 'delivery failed',
            { channel: f.channel },
            done,
          );
        }
        events.setState(event.id, 'routed', done, 'processor', routeSummary(deliveries));
      });
      for (const f of failed) metrics.deadLetters.inc({ stage: `route:${f.channel}` });
      metrics.endToEndSeconds.observe((this.#now() - event.receivedAt) / 1000);
    } catch (err) {
      logger.error({ err, eventId: event.id }, 'event could not be enriched and routed; dead-lettered');
      metrics.deadLetters.inc({ stage: 'process' });
      await writer
        .write(() => {
          const at = this.#now();
          routing.addDeadLetter(event.id, 'process', (err as Error).message, { event_id: event.id }, at);
          events.setState(event.id, 'dead_lettered', at, 'processor', (err as Error).message);
        })
        .catch((writeErr: unknown) =>
          logger.error(
            { err: writeErr, eventId: event.id },
            'dead letter not stored; the event is retried at the next start',
          ),
        );
    }
  }
}

function descriptionOf(results: readonly EnrichmentResult[]): string | null {
  const text = results.find((r) => r.enricher === 'description' && r.status === 'success')?.data?.text;
  return typeof text === 'string' ? text : null;
}

function routeSummary(deliveries: readonly DeliveryResult[]): string {
  const parts = deliveries.map((d) => {
    if (!d.ok) return `${d.channel} failed (${d.error ?? 'error'})`;
    return d.skipped === undefined ? `${d.channel} ok` : `${d.channel} skipped (${d.skipped})`;
  });
  return parts.length > 0 ? parts.join(', ') : 'no channel';
}
