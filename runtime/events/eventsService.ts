import type { FastifyInstance } from 'fastify';
import { type Clock, systemClock } from '../../base/clock';
import type { Logger } from '../../base/logger';
import { gpioLines } from '../../hal/gpio/gpioSchema';
import type { Bus } from '../bus/eventBus';
import type { Config } from '../config/schema/index';
import type { EventType } from '../domain/eventModel';
import type { Service } from '../lifecycle/service';
import type { Metrics } from '../metrics/metrics';
import { awayMode, compileRules, type RuleSet } from '../rules/index';
import type { StoreService } from '../store/storeService';
import { type ClockJump, type ClockWatch, describeJump } from '../system/clockWatch';
import { registerIncidentRoutes } from './api/incidentRoutes';
import { registerIngestRoutes } from './api/ingestRoutes';
import { registerQueryRoutes } from './api/queryRoutes';
import { registerRedeliveryRoutes } from './api/redeliveryRoutes';
import { Deduplicator } from './deduplicator';
import { createEnrichment } from './enrichment/index';
import type { EnrichmentOrchestrator } from './enrichment/orchestrator';
import { newEventId } from './eventId';
import { type BatchItemResult, EventIngest, type IngestOrigin } from './eventIngest';
import { EventLog } from './eventLog/eventLog';
import { createEventMetrics, type EventMetrics } from './eventMetrics';
import { EventStore, type IngestResult } from './eventStore';
import type { EventTopics } from './eventTopics';
import { IncidentAggregator, type OpenIncident, type StoredIncident } from './incidentAggregator';
import { KnownIds } from './knownIds';
import { EventQueries } from './queries/eventQueries';
import { IncidentActions } from './queries/incidentActions';
import { Redelivery } from './redelivery';
import { rebuildIncidents } from './replay';
import { EventRetention } from './retention/eventRetention';
import { busChannels, Router, webhookChannels } from './routing/index';
import { outboxChannel } from './routing/outboxChannel';
import { RoutingRecorder } from './routingOps';
import { RoutingStore } from './routingStore';
import { RoutingWorker } from './routingWorker';
import { StorageFullError, type StorageFullSpell, StorageFullTracker } from './storageFull';

export interface EventsServiceDeps {
  config: Config;
  store: StoreService;
  bus: Bus<EventTopics>;
  metrics: Metrics;
  /** The web server's app: the event API is registered on it at start, before it listens. */
  http: FastifyInstance;
  logger: Logger;
  /** The wall clock's state; events are stamped with its clock, marked while it is not synchronised, and its jumps become `system` events. */
  clock?: ClockWatch;
}

/**
 * The event processor as a service: the acknowledged ingest path (HTTP and the bus), the
 * enrich → rules → route worker behind it, the incident sweeper and event retention.
 */
export class EventsService implements Service {
  readonly name = 'events';
  readonly #deps: EventsServiceDeps;
  readonly #metrics: EventMetrics;
  readonly #rules: RuleSet;
  readonly #enrichment: EnrichmentOrchestrator;
  readonly #router: Router;
  readonly #dedup: Deduplicator;
  readonly #incidents: IncidentAggregator;
  readonly #clock: Clock;
  #ingest: EventIngest | undefined;
  #log: EventLog | undefined;
  #worker: RoutingWorker | undefined;
  #timers: NodeJS.Timeout[] = [];
  #mode: string;
  readonly #storage = new StorageFullTracker((spell, at) => this.#storageResumed(spell, at));

  constructor(deps: EventsServiceDeps) {
    this.#deps = deps;
    const { config, bus, metrics, logger } = deps;
    const events = config.events;
    this.#mode = config.alarm.mode;
    this.#metrics = createEventMetrics(metrics);
    const gpioOutputs = gpioLines(config.gpio, 'output').map(([name]) => name);
    const webhooks = Object.keys(events.webhooks);
    this.#rules = compileRules(config.alarm.rules, {
      modes: config.alarm.modes,
      gpioOutputs,
      webhooks,
      unknownPersonOutputs: config.alarm.unknown_person_outputs,
      unzonedCameras: Object.entries(config.cameras)
        .filter(([, camera]) => Object.keys(camera.zones).length === 0)
        .map(([name]) => name),
    });
    this.#enrichment = createEnrichment({ config: events.enrichment, device: config.device, logger });
    registerEnricherMetrics(metrics, this.#enrichment);
    this.#router = new Router([...busChannels(bus, gpioOutputs), ...webhookChannels(events.webhooks)]);
    this.#dedup = new Deduplicator({
      enabled: events.dedup.enabled,
      windowMs: (type: EventType) =>
        (events.dedup.windows_seconds[type] ?? events.dedup.default_window_seconds) * 1000,
      iouThreshold: events.dedup.iou_threshold,
      maxEntries: events.dedup.max_tracked,
      horizonMs:
        Math.max(events.dedup.default_window_seconds, ...Object.values(events.dedup.windows_seconds)) * 1000,
    });
    this.#clock = deps.clock?.clock ?? systemClock;
    this.#incidents = new IncidentAggregator({
      idleMs: events.incidents.idle_seconds * 1000,
      maxMs: events.incidents.max_seconds * 1000,
      newId: () => newEventId(),
      clock: this.#clock,
    });
    deps.clock?.onJump((jump) => this.#clockJumped(jump));
  }

  /** Ingests one event; resolves once it is durable. Throws EventValidationError for a bad event. */
  ingest(body: unknown, origin: IngestOrigin): Promise<IngestResult> {
    if (!this.#ingest) return Promise.reject(new Error('the event processor is not running'));
    return this.#ingest.ingest(body, origin);
  }

  /** Ingests a batch in order; resolves per item once every accepted item is durable. */
  ingestBatch(items: readonly unknown[], origin: IngestOrigin): Promise<BatchItemResult[]> {
    if (!this.#ingest) return Promise.reject(new Error('the event processor is not running'));
    return this.#ingest.ingestBatch(items, origin);
  }

  /** The alarm mode the rules and severity scoring see (the alarm service keeps it current). */
  setMode(mode: string): void {
    this.#mode = mode;
  }

  async start(): Promise<void> {
    const { store, config, bus, logger } = this.#deps;
    const db = store.db;
    const rebuilt = rebuildIncidents(db, { onlyOpen: true });
    this.#incidents.restore(loadOpenIncidents(db));
    const knownIds = KnownIds.of(
      db
        .prepare('SELECT id FROM events UNION ALL SELECT id FROM event_folds')
        .pluck()
        .iterate() as Iterable<string>,
    );
    const { file, groupCommit, onCommit } = store.writerSettings;
    const log = await EventLog.open({
      file,
      maxBatch: groupCommit.maxBatch,
      onCommit,
      logger,
      // Crash-only, like any other fault: the process hooks log it and exit, systemd restarts
      // Vigil, and the restart resumes from the database (nothing unwritten was acknowledged).
      onFailure: (err) => {
        throw err;
      },
    });
    this.#log = log;
    // Every write of the event log reports to the tracker: a refusal for lack of space becomes a
    // StorageFullError (507, nothing of it stored), and the first commit after ends the spell.
    const storage = this.#storage;
    const writes = {
      write: (write: Parameters<EventLog['write']>[0]) =>
        log.write(write).then(
          () => storage.committed(),
          (err: unknown) => {
            const starts = storage.spell === null;
            if (storage.failed(err)) {
              if (starts) logger.warn({ err }, 'the data partition (data_dir) is full: events are refused');
              throw new StorageFullError();
            }
            throw err;
          },
        ),
    };
    const eventStore = new EventStore(db);
    const routingStore = new RoutingStore(db);
    // Routing batches are written by the event log's thread too: one writer, no lock to wait for
    // on the main thread, and the SQLite work on the other core.
    const recorder = new RoutingRecorder();
    this.#router.register(outboxChannel(recorder, config.mqtt.enabled));
    const modes = config.alarm.modes;
    const worker = new RoutingWorker({
      recorder,
      commit: (ops) => writes.write({ op: 'route', ops }),
      routing: routingStore,
      enrich: (event) => this.#enrichment.run(event),
      decide: (event, context) => this.#rules.evaluate(event, context),
      stage: (event, decision, description, at) => this.#router.stage(event, decision, description, at),
      deliver: (event, decision, description) => {
        // Live views first (never blocks: the topic drops its oldest under overload).
        void bus.publish(
          'event.processed',
          { event, decision, description },
          // The event's own: one id from camera to siren, and no fresh one made per event.
          { correlationId: event.correlationId },
        );
        return this.#router.route(event, decision);
      },
      delivers: (decision) => this.#router.delivers(decision),
      context: (event) => ({ mode: this.#mode, hour: localHour(event.timestamp, config.device.timezone) }),
      metrics: this.#metrics,
      logger,
      concurrency: config.events.workers,
      capacity: 10_000,
    });
    this.#worker = worker;
    this.#ingest = new EventIngest({
      log: writes,
      knownIds,
      storedResult: (id) => eventStore.findResult(id),
      dedup: this.#dedup,
      incidents: this.#incidents,
      metrics: this.#metrics,
      alarm: {
        mode: () => this.#mode,
        disarmedMode: modes[0] ?? 'disarmed',
        awayMode: awayMode(modes) ?? 'away',
      },
      loiteringSeconds: (camera, zone) => config.cameras[camera]?.zones[zone]?.loitering_seconds ?? 0,
      afterPersist: (event) => worker.enqueue(event),
      logger,
      clock: this.#clock,
      clockSynced: () => this.#deps.clock?.synced ?? true,
    });
    bus.on(this, 'event.ingest', (envelope) =>
      this.ingest(envelope.payload, {
        actor: `bus:${envelope.payload.source ?? 'pipeline'}`,
        correlationId: envelope.correlationId,
      }).then(() => undefined),
    );
    const redelivery = new Redelivery({
      db,
      writer: store.writer,
      events: eventStore,
      routing: routingStore,
      router: this.#router,
      worker,
    });
    registerRedeliveryRoutes(this.#deps.http, redelivery);
    const queries = new EventQueries({ db, timeZone: config.device.timezone });
    registerIngestRoutes(this.#deps.http, this);
    registerQueryRoutes(this.#deps.http, { queries });
    registerIncidentRoutes(this.#deps.http, {
      queries,
      actions: new IncidentActions({ writer: store.writer }),
    });
    await worker.scan();
    const ingest = this.#ingest;
    const sweep = setInterval(() => {
      ingest
        .maintainIncidents(this.#clock.now())
        .catch((err: unknown) => logger.error({ err }, 'incident sweep failed'));
    }, 1000);
    const retention = new EventRetention({ writer: store.writer });
    const purge = setInterval(() => void this.#purge(retention), 60 * 60 * 1000);
    this.#timers = [sweep, purge];
    for (const timer of this.#timers) timer.unref();
    logger.info(
      { rebuilt_open_incidents: rebuilt, open_incidents: this.#incidents.size },
      'event processor ready',
    );
  }

  async stop(): Promise<void> {
    this.#deps.bus.removeOwner(this);
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#ingest?.maintainIncidents(this.#clock.now(), true);
    await this.#worker?.stop();
    await this.#log?.close();
    this.#ingest = undefined;
    this.#log = undefined;
  }

  health(): Record<string, unknown> {
    const breakers = this.#enrichment.stats().filter((s) => s.breaker !== 'closed');
    const full = this.#storage.spell;
    return {
      ...(full
        ? {
            degraded: `the data partition (data_dir) is full since ${new Date(full.since).toISOString()}: events cannot be stored; free space on it`,
            storage_full: { since: full.since, refused: full.refused },
          }
        : {}),
      open_incidents: this.#incidents.size,
      routing_queue: this.#worker?.depth ?? 0,
      routing_retrying: this.#worker?.retrying ?? 0,
      event_log_pending: this.#log?.pending ?? 0,
      ...(this.#log?.failure ? { event_log_failure: this.#log.failure } : {}),
      dedup_tracked: this.#dedup.size,
      mode: this.#mode,
      ...(breakers.length > 0 ? { open_breakers: breakers.map((b) => b.name) } : {}),
    };
  }

  /** Once writes commit again, the spell is stored as a `system` event (it could not be while it lasted). */
  #storageResumed(spell: StorageFullSpell, at: number): void {
    this.#deps.logger.info({ ...spell, until: at }, 'the data partition has space again: events are stored');
    this.ingest(
      {
        type: 'system',
        source: 'storage',
        severity: 'high',
        timestamp: spell.since,
        data: {
          what: 'storage_full',
          reason: 'the data partition (data_dir) was full: events were refused (507)',
          since: spell.since,
          until: at,
          refused: spell.refused,
        },
      },
      { actor: 'system' },
    ).catch((err: unknown) =>
      this.#deps.logger.error({ err }, 'could not store the storage_full system event'),
    );
  }

  /** A clock jump is stored once, as a `system` event (the clock watch logged it). */
  #clockJumped(jump: ClockJump): void {
    if (!this.#ingest) return;
    this.ingest(
      {
        type: 'system',
        source: 'clock',
        severity: 'low',
        data: {
          what: 'clock_jump',
          reason: `clock jumped ${describeJump(jump.deltaMs)}${jump.synced ? '' : ' (not synchronised yet)'}`,
          delta_ms: Math.round(jump.deltaMs),
        },
      },
      { actor: 'system' },
    ).catch((err: unknown) =>
      this.#deps.logger.error({ err }, 'could not store the clock_jump system event'),
    );
  }

  async #purge(retention: EventRetention): Promise<void> {
    const days = this.#deps.config.retention.events_days;
    try {
      const result = await retention.purgeEvents({ olderThanMs: days * 86_400_000, now: this.#clock.now() });
      if (result.deleted > 0) this.#deps.logger.info(result, 'old events deleted');
    } catch (err) {
      this.#deps.logger.error({ err }, 'event retention failed');
    }
  }
}

/** Enricher outcomes and breaker states, read from the orchestrator when Prometheus scrapes. */
function registerEnricherMetrics(metrics: Metrics, enrichment: EnrichmentOrchestrator): void {
  metrics.gauge({
    name: 'vigil_enricher_circuit_open',
    help: '1 while the enricher circuit breaker is open or half-open',
    labelNames: ['enricher'],
    collect() {
      for (const s of enrichment.stats()) this.set({ enricher: s.name }, s.breaker === 'closed' ? 0 : 1);
    },
  });
  metrics.gauge({
    name: 'vigil_enricher_success_ratio',
    help: 'Share of enricher runs that succeeded (skipped runs excluded)',
    labelNames: ['enricher'],
    collect() {
      for (const s of enrichment.stats()) {
        const runs = s.success + s.failed + s.timeout + s.circuitOpen;
        this.set({ enricher: s.name }, runs === 0 ? 1 : s.success / runs);
      }
    },
  });
}

function loadOpenIncidents(db: StoreService['db']): StoredIncident[] {
  const rows = db.prepare('SELECT * FROM incidents WHERE ended_at IS NULL').all() as Array<
    Record<string, unknown>
  >;
  return rows.map((row) => ({
    id: String(row.id),
    key: String(row.key),
    camera: (row.camera as string | null) ?? null,
    label: (row.label as string | null) ?? null,
    objectId: (row.object_id as string | null) ?? null,
    type: row.type as EventType,
    severity: row.severity as OpenIncident['severity'],
    state: row.state === 'new' ? 'new' : 'active',
    startedAt: Number(row.started_at),
    lastSeenAt: Number(row.last_seen_at),
    eventCount: Number(row.event_count),
    maxConfidence: (row.max_confidence as number | null) ?? null,
    zones: new Set(JSON.parse(String(row.zones)) as string[]),
    loiteringRaised: false,
  }));
}

/** One formatter per time zone: making one costs more than routing the event it is made for. */
const hourFormats = new Map<string, Intl.DateTimeFormat>();

function localHour(timestamp: number, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(timestamp));
}
