import { type Clock, monotonicOf, systemClock } from '../../base/clock';
import type { Logger } from '../../base/logger';
import { EventInputSchema, type EventType, type VigilEvent } from '../domain/eventModel';
import { classifyType, scoreSeverity } from './classification';
import { type Deduplicator, sightingOf } from './deduplicator';
import { newEventId } from './eventId';
import type { EventLogWrite } from './eventLog/eventLogWrites';
import { type EventMetrics, endStage, type Stage } from './eventMetrics';
import type { IngestResult } from './eventStore';
import { eventRowOf } from './eventTable';
import { EventValidationError, type ValidEventInput, validateEventInput } from './eventValidation';
import { fingerprint } from './fingerprint';
import type { IncidentAggregator, OpenIncident } from './incidentAggregator';
import { incidentRowOf } from './incidentRows';
import type { KnownIds } from './knownIds';
import { StorageFullError } from './storageFull';

/** The metric label for a rejected field: only schema fields, so a sender cannot mint label values. */
function knownField(field: string): string {
  const root = field.split('.')[0] ?? field;
  return Object.hasOwn(EventInputSchema.properties, root) || root === 'body' ? root : 'unknown_field';
}

interface AlarmView {
  /** The alarm mode now. */
  mode(): string;
  disarmedMode: string;
  awayMode: string;
}

/** Where the ingest path's writes go: the event log writer thread (eventLog/eventLog.ts). */
interface EventLogWriter {
  /** Resolves once the write is durable. */
  write(write: EventLogWrite): Promise<void>;
}

export interface IngestDeps {
  log: EventLogWriter;
  /** Every id stored so far (loaded from the database at start). */
  knownIds: KnownIds;
  /** The stored outcome of an id, read from the database, for idempotent replays. */
  storedResult: (id: string) => IngestResult | undefined;
  dedup: Deduplicator;
  incidents: IncidentAggregator;
  metrics: EventMetrics;
  alarm: AlarmView;
  /** Seconds a person must stay in a zone before it is loitering, per camera and zone (0 = never). */
  loiteringSeconds: (camera: string, zone: string) => number;
  /** Debug lines per stage (only built when the events module logs at debug). */
  logger?: Logger;
  /** Hands a stored event to enrichment and routing. */
  afterPersist: (event: VigilEvent) => void;
  clock?: Clock;
  /** Whether the wall clock is synchronised yet (NTP); events received before are marked `clock_unsynced`. */
  clockSynced?: () => boolean;
}

/** One item's answer in a batch: its result, or why it was refused (nothing of it was stored). */
export type BatchItemResult =
  | (IngestResult & { index: number })
  | {
      index: number;
      status: 'error';
      field: string | null;
      error: string;
      retry?: true;
      /** Refused because the data partition is full (the whole batch answers 507 if nothing was stored). */
      storage_full?: true;
    };

export interface IngestOrigin {
  /** Who handed the event in, for the audit trail: `api`, `bus:<source>`, … */
  actor: string;
  correlationId?: string;
}

/**
 * The acknowledged part of the pipeline: validate → dedup → classify → aggregate → persist.
 * `ingest` resolves only once the event (or the duplicate it was folded into) is committed to
 * disk; enrichment and routing happen after, from the database, so a slow enricher never
 * delays an acknowledgement and a crash resumes them.
 */
/** Longest an open incident's event count and last sighting wait to be written. */
const INCIDENT_FLUSH_MS = 10_000;

/** What of an incident is written at once when it changes: what the status page shows. */
function shownOf(incident: OpenIncident): string {
  return `${incident.severity}|${incident.state}|${[...incident.zones].join(',')}`;
}

export class EventIngest {
  readonly #deps: IngestDeps;
  readonly #clock: Clock;
  /** Ids being stored right now: a concurrent replay of one waits for the first. */
  readonly #inFlight = new Map<string, Promise<IngestResult>>();
  /** When open incidents' updates were last written, monotonic ms (see maintainIncidents). */
  #flushedAt = Number.NEGATIVE_INFINITY;
  /** What the status page shows of each open incident, as last written. */
  readonly #shown = new Map<string, string>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
  }

  async ingest(body: unknown, origin: IngestOrigin): Promise<IngestResult> {
    const { metrics } = this.#deps;
    const started = performance.now();
    const receivedAt = this.#clock.now();
    const synced = this.#deps.clockSynced?.() ?? true;
    let valid: ValidEventInput;
    try {
      // Until the clock is synchronised it is the one in doubt, not the sender's: no future check.
      valid = validateEventInput(body, synced ? receivedAt : Number.POSITIVE_INFINITY);
    } catch (err) {
      if (err instanceof EventValidationError) metrics.rejected.inc({ field: knownField(err.field) });
      throw err;
    }
    const { input } = valid;
    let mark = this.#endStage('validate', started, input.id);

    if (input.id !== undefined) {
      const replay = this.#replayOf(input.id);
      if (replay) {
        metrics.deduplicated.inc({ reason: 'id' });
        return replay;
      }
    }
    const event = this.#toEvent(valid, receivedAt, origin, synced);
    mark = this.#endStage('classify', mark, event.id);

    const sighting = sightingOf(event, this.#clock);
    const duplicate = this.#deps.dedup.check(sighting);
    mark = this.#endStage('dedup', mark, event.id);
    if (duplicate) return this.#storeDuplicate(duplicate.of, duplicate.reason, event, started);

    const attachment = this.#deps.incidents.attach(event);
    if (attachment) {
      event.incidentId = attachment.incident.id;
      this.#raiseLoitering(event, attachment.incident);
    }
    mark = this.#endStage('aggregate', mark, event.id);

    this.#deps.dedup.remember(sighting);
    const stored = this.#deps.log
      .write({
        op: 'persist',
        event: eventRowOf(event, valid.dataJson),
        zones: event.zones,
        actor: origin.actor,
        // Updates of an open incident are batched by `maintainIncidents`; a new one is written with its first event.
        newIncident: attachment?.transition === 'new' ? incidentRowOf(attachment.incident) : null,
        endedIncidentId: attachment?.ended?.id ?? null,
        snapshot:
          typeof event.data.snapshot === 'string' && event.incidentId !== null
            ? { path: event.data.snapshot, incidentId: event.incidentId }
            : null,
      })
      .then(
        (): IngestResult => ({
          id: event.id,
          status: 'created',
          type: event.type,
          severity: event.severity,
          incident_id: event.incidentId,
        }),
        (err: unknown) => this.#storedBefore(event.id, err),
      );
    this.#inFlight.set(event.id, stored);
    try {
      const result = await stored;
      this.#deps.knownIds.add(event.id);
      if (result.status === 'duplicate') return result;
      this.#endStage('persist', mark, event.id);
      metrics.processed.inc({ type: event.type });
      metrics.ingestToDurableSeconds.observe((performance.now() - started) / 1000);
      this.#deps.afterPersist(event);
      return result;
    } catch (err) {
      this.#deps.dedup.forget(sighting);
      throw err;
    } finally {
      this.#inFlight.delete(event.id);
    }
  }

  /**
   * Ingests the items of a batch in order (a later item may be a repeat or a replay of an
   * earlier one) and answers per item once every accepted item is durable. A refused item is
   * answered with the field and stores nothing; the others are not held back by it.
   */
  ingestBatch(items: readonly unknown[], origin: IngestOrigin): Promise<BatchItemResult[]> {
    return Promise.all(
      items.map((item, index) =>
        // An item the door could not even parse (an NDJSON line that is not JSON) comes as its error.
        (item instanceof EventValidationError ? Promise.reject(item) : this.ingest(item, origin)).then(
          (result): BatchItemResult => ({ index, ...result }),
          (err: unknown): BatchItemResult =>
            err instanceof EventValidationError
              ? { index, status: 'error', field: err.field, error: err.message }
              : err instanceof StorageFullError
                ? { index, status: 'error', field: null, error: err.message, retry: true, storage_full: true }
                : {
                    index,
                    status: 'error',
                    field: null,
                    error: `could not be stored (${(err as Error).message}); send it again later`,
                    retry: true,
                  },
        ),
      ),
    );
  }

  /**
   * Ends the incidents idle too long and writes them with the open incidents changed since the
   * last write, in one commit (counts and sightings alone wait up to INCIDENT_FLUSH_MS; `flushAll`
   * writes every change now). Called every second by the events service, and at stop with `flushAll`.
   */
  async maintainIncidents(now: number, flushAll = false): Promise<void> {
    const { incidents, log, metrics } = this.#deps;
    const ended = incidents.expire(now);
    metrics.openIncidents.set(incidents.size);
    for (const incident of ended) this.#shown.delete(incident.id);
    // A busy incident changes with every event: its count and last sighting are written at most
    // every INCIDENT_FLUSH_MS (one commit each second was a tenth of a busy camera's card writes,
    // bench:writes); what the status page shows differently (severity, state, zones) at once.
    // After a crash the incidents are rebuilt from their events, so nothing is lost by waiting.
    const due =
      flushAll ||
      ended.length > 0 ||
      this.#clock.monotonic() - this.#flushedAt >= INCIDENT_FLUSH_MS ||
      [...incidents.peekDirty()].some((incident) => this.#shown.get(incident.id) !== shownOf(incident));
    if (!due) return;
    const changed = incidents.takeDirty();
    if (ended.length === 0 && changed.length === 0) return;
    this.#flushedAt = this.#clock.monotonic();
    for (const incident of changed) this.#shown.set(incident.id, shownOf(incident));
    await log.write({
      op: 'incidents',
      at: now,
      changed: changed.map(incidentRowOf),
      ended: ended.map(incidentRowOf),
      endReason: 'no new event within incidents.idle_seconds (or max_seconds reached)',
    });
  }

  #replayOf(id: string): Promise<IngestResult> | undefined {
    const pending = this.#inFlight.get(id);
    if (pending)
      return pending.then((result) => ({ ...result, status: 'duplicate', duplicate_reason: 'id' }));
    if (!this.#deps.knownIds.mayContain(id)) return undefined;
    const stored = this.#deps.storedResult(id);
    return stored ? Promise.resolve(stored) : undefined;
  }

  /**
   * A write refused because the id is already stored (committed by a writer thread that died
   * before it could say so) is a replay after all: its first result stands. Anything else fails.
   */
  #storedBefore(id: string, err: unknown): IngestResult {
    const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
    const stored = code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? this.#deps.storedResult(id) : undefined;
    if (!stored) throw err;
    return stored;
  }

  /**
   * Folds a same-state repeat into the stored event: the original counts it, and the repeat's id
   * (sent, or made for it) is kept as folded into the original, so it resolves and replays.
   */
  async #storeDuplicate(
    originalId: string,
    reason: 'fingerprint' | 'iou',
    event: VigilEvent,
    started: number,
  ): Promise<IngestResult> {
    const incident = this.#deps.incidents.peek(event);
    const stored = this.#deps.log
      .write({ op: 'duplicate', originalId, at: event.timestamp, foldedId: event.id, reason })
      .then(
        (): IngestResult => ({
          id: originalId,
          status: 'duplicate',
          duplicate_reason: reason,
          folded_id: event.id,
          type: event.type,
          severity: event.severity,
          incident_id: incident?.id ?? null,
        }),
        (err: unknown) => this.#storedBefore(event.id, err),
      );
    this.#inFlight.set(event.id, stored);
    try {
      const result = await stored;
      this.#deps.knownIds.add(event.id);
      this.#deps.metrics.deduplicated.inc({ reason });
      this.#deps.metrics.ingestToDurableSeconds.observe((performance.now() - started) / 1000);
      return result;
    } finally {
      this.#inFlight.delete(event.id);
    }
  }

  #toEvent(valid: ValidEventInput, receivedAt: number, origin: IngestOrigin, synced: boolean): VigilEvent {
    const { input, dataJson } = valid;
    const label = input.label ?? null;
    const type: EventType = classifyType(input.type, label);
    const zones = input.zones ?? [];
    const data = input.data ?? {};
    const source = input.source ?? origin.actor;
    const camera = input.camera ?? null;
    const confidence = input.confidence ?? null;
    const { alarm } = this.#deps;
    const id = input.id ?? newEventId(receivedAt);
    return {
      id,
      type,
      timestamp: valid.timestamp ?? receivedAt,
      receivedAt,
      source,
      camera,
      zones,
      label,
      objectId: input.object_id ?? null,
      confidence,
      box: input.box ?? null,
      data,
      // An event that is not part of a chain starts its own.
      correlationId: input.correlation_id ?? origin.correlationId ?? id,
      parentId: input.parent_id ?? null,
      severity:
        input.severity ??
        scoreSeverity({
          type,
          confidence,
          inZone: zones.length > 0,
          mode: alarm.mode(),
          disarmedMode: alarm.disarmedMode,
          awayMode: alarm.awayMode,
          tamper: type === 'sensor' && data.tamper === true,
        }),
      fingerprint: fingerprint({
        type,
        camera,
        label,
        source,
        objectId: input.object_id ?? null,
        zones,
        data,
        dataJson,
      }),
      incidentId: null,
      ...(synced ? {} : { clockUnsynced: true as const }),
    };
  }

  /** A person who stays in a zone longer than its loitering time turns the event into `loitering`, once. */
  #raiseLoitering(
    event: VigilEvent,
    incident: { startedMono: number; loiteringRaised: boolean; label: string | null },
  ): void {
    if (incident.loiteringRaised || event.camera === null || event.label !== 'person') return;
    const camera = event.camera;
    // On the monotonic timeline: a clock jump during the stay neither makes nor hides loitering.
    const stayedMs = monotonicOf(this.#clock, event.timestamp) - incident.startedMono;
    const zone = event.zones.find((z) => {
      const seconds = this.#deps.loiteringSeconds(camera, z);
      return seconds > 0 && stayedMs >= seconds * 1000;
    });
    if (!zone) return;
    incident.loiteringRaised = true;
    event.type = 'loitering';
    const { alarm } = this.#deps;
    event.severity = scoreSeverity({
      type: 'loitering',
      confidence: event.confidence,
      inZone: true,
      mode: alarm.mode(),
      disarmedMode: alarm.disarmedMode,
      awayMode: alarm.awayMode,
      tamper: false,
    });
  }

  #endStage(stage: Stage, since: number, eventId: string | undefined): number {
    return endStage(this.#deps.metrics, this.#deps.logger, stage, since, eventId);
  }
}
