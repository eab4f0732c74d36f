import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging/logger';
import type { GroupCommitWriter } from '../store/groupCommitWriter';
import { classifyType, scoreSeverity } from './classification';
import type { Deduplicator, Sighting } from './deduplicator';
import { newEventId } from './eventId';
import type { EventMetrics, Stage } from './eventMetrics';
import { EventInputSchema, type EventType, type VigilEvent } from './eventModel';
import type { EventStore, IngestResult } from './eventStore';
import { EventValidationError, validateEventInput } from './eventValidation';
import { fingerprint } from './fingerprint';
import type { IncidentAggregator } from './incidentAggregator';

/** The metric label for a rejected field: only schema fields, so a sender cannot mint label values. */
function knownField(field: string): string {
  const root = field.split('.')[0] ?? field;
  return Object.hasOwn(EventInputSchema.properties, root) || root === 'body' ? root : 'unknown_field';
}

export interface AlarmView {
  /** The alarm mode now. */
  mode(): string;
  disarmedMode: string;
  awayMode: string;
}

export interface IngestDeps {
  writer: GroupCommitWriter;
  store: EventStore;
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
  now?: () => number;
}

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
export class EventIngest {
  readonly #deps: IngestDeps;
  readonly #now: () => number;
  /** Ids being stored right now: a concurrent replay of one waits for the first. */
  readonly #inFlight = new Map<string, Promise<IngestResult>>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async ingest(body: unknown, origin: IngestOrigin): Promise<IngestResult> {
    const { metrics } = this.#deps;
    const started = performance.now();
    const receivedAt = this.#now();
    let input: ReturnType<typeof validateEventInput>;
    try {
      input = validateEventInput(body, receivedAt);
    } catch (err) {
      if (err instanceof EventValidationError) metrics.rejected.inc({ field: knownField(err.field) });
      throw err;
    }
    let mark = this.#lap('validate', started, input.id);

    if (input.id !== undefined) {
      const replay = this.#replayOf(input.id);
      if (replay) {
        metrics.deduplicated.inc({ reason: 'id' });
        return replay;
      }
    }
    const event = this.#toEvent(input, receivedAt, origin);
    mark = this.#lap('classify', mark, event.id);

    // Only what dedup compares: a remembered sighting must not keep the event's data alive.
    const sighting: Sighting = {
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      camera: event.camera,
      label: event.label,
      objectId: event.objectId,
      source: event.source,
      box: event.box,
      fingerprint: event.fingerprint,
    };
    const duplicate = this.#deps.dedup.check(sighting);
    mark = this.#lap('dedup', mark, event.id);
    if (duplicate) return this.#storeDuplicate(duplicate.of, duplicate.reason, event, started);

    const attachment = this.#deps.incidents.attach(event);
    if (attachment) {
      event.incidentId = attachment.incident.id;
      this.#raiseLoitering(event, attachment.incident);
    }
    mark = this.#lap('aggregate', mark, event.id);

    this.#deps.dedup.remember(sighting);
    const stored = this.#deps.writer
      .write(() => {
        const { store } = this.#deps;
        store.insertEvent(event, origin.actor);
        if (attachment?.ended)
          store.endIncident(attachment.ended, event.receivedAt, 'reached its maximum length');
        // Updates of an open incident are batched by `maintainIncidents`; a new one is written with its first event.
        if (attachment?.transition === 'new')
          store.saveIncident(attachment.incident, event.receivedAt, 'new');
        if (typeof event.data.snapshot === 'string' && event.incidentId !== null)
          store.linkSnapshot(event.data.snapshot, event.incidentId, event.id);
      })
      .then(
        (): IngestResult => ({
          id: event.id,
          status: 'created',
          type: event.type,
          severity: event.severity,
          incident_id: event.incidentId,
        }),
      );
    this.#inFlight.set(event.id, stored);
    try {
      const result = await stored;
      this.#lap('persist', mark, event.id);
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
   * Writes the open incidents changed since the last call and ends those idle too long, in one
   * commit. Called every second by the events service and at stop.
   */
  async maintainIncidents(now: number): Promise<void> {
    const { incidents, store, writer, metrics } = this.#deps;
    const ended = incidents.expire(now);
    const changed = incidents.takeDirty();
    metrics.openIncidents.set(incidents.size);
    if (ended.length === 0 && changed.length === 0) return;
    await writer.write(() => {
      for (const incident of changed) store.saveIncident(incident, now, 'update');
      for (const incident of ended) {
        store.saveIncident(incident, now, 'update');
        store.endIncident(
          incident,
          now,
          'no new event within incidents.idle_seconds (or max_seconds reached)',
        );
      }
    });
  }

  #replayOf(id: string): Promise<IngestResult> | undefined {
    const pending = this.#inFlight.get(id);
    if (pending)
      return pending.then((result) => ({ ...result, status: 'duplicate', duplicate_reason: 'id' }));
    const stored = this.#deps.store.findResult(id);
    return stored ? Promise.resolve(stored) : undefined;
  }

  async #storeDuplicate(
    originalId: string,
    reason: 'fingerprint' | 'iou' | 'window',
    event: VigilEvent,
    started: number,
  ): Promise<IngestResult> {
    const incident = this.#deps.incidents.peek(event);
    if (incident) incident.lastSeenAt = Math.max(incident.lastSeenAt, event.timestamp);
    await this.#deps.writer.write(() => this.#deps.store.recordDuplicate(originalId, event.timestamp));
    this.#deps.metrics.deduplicated.inc({ reason });
    this.#deps.metrics.ingestToDurableSeconds.observe((performance.now() - started) / 1000);
    return {
      id: originalId,
      status: 'duplicate',
      duplicate_reason: reason,
      type: event.type,
      severity: event.severity,
      incident_id: incident?.id ?? null,
    };
  }

  #toEvent(
    input: ReturnType<typeof validateEventInput>,
    receivedAt: number,
    origin: IngestOrigin,
  ): VigilEvent {
    const label = input.label ?? null;
    const type: EventType = classifyType(input.type, label);
    const zones = input.zones ?? [];
    const data = input.data ?? {};
    const source = input.source ?? origin.actor;
    const camera = input.camera ?? null;
    const confidence = input.confidence ?? null;
    const { alarm } = this.#deps;
    return {
      id: input.id ?? newEventId(receivedAt),
      type,
      timestamp: input.timestamp ?? receivedAt,
      receivedAt,
      source,
      camera,
      zones,
      label,
      objectId: input.object_id ?? null,
      confidence,
      box: input.box ?? null,
      data,
      correlationId: input.correlation_id ?? origin.correlationId ?? randomUUID(),
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
      fingerprint: fingerprint({ type, camera, label, source, zones, data }),
      incidentId: null,
    };
  }

  /** A person who stays in a zone longer than its loitering time turns the event into `loitering`, once. */
  #raiseLoitering(
    event: VigilEvent,
    incident: { startedAt: number; loiteringRaised: boolean; label: string | null },
  ): void {
    if (incident.loiteringRaised || event.camera === null || event.label !== 'person') return;
    const camera = event.camera;
    const stayedMs = event.timestamp - incident.startedAt;
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

  #lap(stage: Stage, since: number, eventId: string | undefined): number {
    const now = performance.now();
    this.#deps.metrics.stageSeconds.observe({ stage }, (now - since) / 1000);
    const logger = this.#deps.logger;
    if (logger?.isLevelEnabled('debug'))
      logger.debug({ stage, eventId, ms: now - since }, 'event stage done');
    return now;
  }
}
