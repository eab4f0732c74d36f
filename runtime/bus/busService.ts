import type { Logger } from '../../base/logger';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import { EventBus } from './eventBus';
import type { TopicPolicies } from './types';

/**
 * Owns the app's event bus: logs handler failures and drops, exports its counters as metrics,
 * and on stop refuses new publishes and lets subscribers finish what is queued.
 */
export class BusService<M extends object> implements Service {
  readonly name = 'bus';
  readonly bus: EventBus<M>;

  constructor(policies: TopicPolicies<M>, logger: Logger, metrics: Metrics) {
    this.bus = new EventBus<M>({
      policies,
      onHandlerError: (err, envelope, subscriber) =>
        logger.error(
          { err, topic: envelope.topic, subscriber, correlationId: envelope.correlationId },
          'bus handler failed',
        ),
      onDrop: (drop) => logger.debug({ drop }, 'bus dropped an item (topic allows dropping)'),
    });
    this.#registerMetrics(metrics);
  }

  async start(): Promise<void> {}

  /** Producers stopped before us: let queued events finish (handlers may still publish follow-ups), then close. */
  async stop(): Promise<void> {
    await this.bus.drain();
    this.bus.close();
    await this.bus.drain();
  }

  health(): Record<string, unknown> {
    const topics = Object.values(this.bus.stats().topics);
    return {
      topics: topics.length,
      queued: topics.reduce((sum, t) => sum + t.subscriptions.reduce((s, sub) => s + sub.queueDepth, 0), 0),
    };
  }

  #registerMetrics(metrics: Metrics): void {
    const bus = this.bus;
    const counters = ['published', 'delivered', 'dropped', 'handlerErrors'] as const;
    // Counts kept by the bus, read when scraped: counters, since they only grow.
    metrics.counter({
      name: 'vigil_bus_events_total',
      help: 'Bus events per topic since start, by outcome (published, delivered, dropped, handlerErrors)',
      labelNames: ['topic', 'outcome'],
      collect() {
        this.reset();
        for (const [topic, stats] of Object.entries(bus.stats().topics)) {
          for (const outcome of counters) this.inc({ topic, outcome }, stats[outcome]);
        }
      },
    });
  }
}
