import { type Clock, monotonicOf, systemClock } from '../../base/clock';
import type { EventType, Severity, VigilEvent } from '../domain/eventModel';
import { severityRank } from '../domain/eventModel';

/** Types that never form an incident: they describe the appliance, not the scene. */
const NO_INCIDENT: ReadonlySet<EventType> = new Set(['system', 'camera_online']);

/** An incident still collecting events, kept in memory and mirrored to the `incidents` table. */
export interface OpenIncident {
  id: string;
  key: string;
  camera: string | null;
  label: string | null;
  objectId: string | null;
  type: EventType;
  severity: Severity;
  state: 'new' | 'active';
  startedAt: number;
  lastSeenAt: number;
  /** `startedAt` and `lastSeenAt` on the monotonic timeline (base/clock.ts): what timeouts compare. */
  startedMono: number;
  lastSeenMono: number;
  eventCount: number;
  maxConfidence: number | null;
  zones: Set<string>;
  /** Loitering is raised once per incident. */
  loiteringRaised: boolean;
}

export interface IncidentOptions {
  /** An incident ends after this long without a new event. */
  idleMs: number;
  /** And in any case after this long, so a busy street does not make one endless incident. */
  maxMs: number;
  newId: () => string;
  clock?: Clock;
}

/** An open incident as stored: its times on the monotonic timeline are worked out when restored. */
export type StoredIncident = Omit<OpenIncident, 'startedMono' | 'lastSeenMono'>;

export interface Attachment {
  incident: OpenIncident;
  transition: 'new' | 'update';
  /** An incident closed to make room for this one (it reached its maximum length). */
  ended?: OpenIncident;
}

/**
 * Groups events about the same object on the same camera into incidents with a
 * new → update → end life, like Frigate's tracked objects and review items.
 *
 * Idle and maximum times are measured on the monotonic timeline: each event's time is moved onto
 * it with the clock's offset when the event arrives (`monotonicOf`), so a wall-clock jump between
 * two events cancels out. A jump back of an hour does not keep an incident open for an hour, a jump
 * forward of a year does not end or split it. (Stamps a producer made on another clock keep their
 * distances unless this clock jumps between them.)
 */
export class IncidentAggregator {
  readonly #options: IncidentOptions;
  readonly #clock: Clock;
  readonly #open = new Map<string, OpenIncident>();
  /** Updated since last written: incident rows are written when new and ended, and in batches between. */
  readonly #dirty = new Set<OpenIncident>();

  constructor(options: IncidentOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Restores the open incidents after a restart (their stamps taken as made on today's clock). */
  restore(incidents: StoredIncident[]): void {
    for (const incident of incidents)
      this.#open.set(incident.key, {
        ...incident,
        startedMono: monotonicOf(this.#clock, incident.startedAt),
        lastSeenMono: monotonicOf(this.#clock, incident.lastSeenAt),
      });
  }

  /** Adds the event to its open incident or starts one; null for types without incidents. */
  attach(event: VigilEvent): Attachment | null {
    if (NO_INCIDENT.has(event.type)) return null;
    const key = incidentKey(event);
    const current = this.#open.get(key);
    const at = monotonicOf(this.#clock, event.timestamp);
    if (current && this.#continues(current, at)) {
      current.state = 'active';
      current.lastSeenAt = Math.max(current.lastSeenAt, event.timestamp);
      current.lastSeenMono = Math.max(current.lastSeenMono, at);
      current.eventCount += 1;
      if (event.confidence !== null)
        current.maxConfidence = Math.max(current.maxConfidence ?? 0, event.confidence);
      for (const zone of event.zones) current.zones.add(zone);
      if (severityRank(event.severity) >= severityRank(current.severity)) {
        current.severity = event.severity;
        current.type = event.type;
      }
      this.#dirty.add(current);
      return { incident: current, transition: 'update' };
    }
    const incident: OpenIncident = {
      id: this.#options.newId(),
      key,
      camera: event.camera,
      label: event.label,
      objectId: event.objectId,
      type: event.type,
      severity: event.severity,
      state: 'new',
      startedAt: event.timestamp,
      lastSeenAt: event.timestamp,
      startedMono: at,
      lastSeenMono: at,
      eventCount: 1,
      maxConfidence: event.confidence,
      zones: new Set(event.zones),
      loiteringRaised: false,
    };
    this.#open.set(key, incident);
    if (!current) return { incident, transition: 'new' };
    this.#dirty.delete(current);
    return { incident, transition: 'new', ended: current };
  }

  /** The open incident this event (a duplicate) would join; it keeps the incident alive. */
  peek(
    event: Pick<VigilEvent, 'type' | 'camera' | 'label' | 'objectId' | 'source' | 'timestamp'>,
  ): OpenIncident | undefined {
    const current = this.#open.get(incidentKey(event));
    const at = monotonicOf(this.#clock, event.timestamp);
    if (!current || !this.#continues(current, at)) return undefined;
    current.lastSeenAt = Math.max(current.lastSeenAt, event.timestamp);
    current.lastSeenMono = Math.max(current.lastSeenMono, at);
    this.#dirty.add(current);
    return current;
  }

  /** Ends and removes every incident idle for longer than the idle time, as of wall time `now`. */
  expire(now: number): OpenIncident[] {
    const at = monotonicOf(this.#clock, now);
    const ended: OpenIncident[] = [];
    for (const [key, incident] of this.#open) {
      if (
        at - incident.lastSeenMono > this.#options.idleMs ||
        at - incident.startedMono > this.#options.maxMs
      ) {
        this.#open.delete(key);
        this.#dirty.delete(incident);
        ended.push(incident);
      }
    }
    return ended;
  }

  /** Open incidents changed since the last `takeDirty`, left marked. */
  peekDirty(): ReadonlySet<OpenIncident> {
    return this.#dirty;
  }

  /** Open incidents changed since the last call, to be written in one batch. */
  takeDirty(): OpenIncident[] {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    return dirty;
  }

  get size(): number {
    return this.#open.size;
  }

  #continues(incident: OpenIncident, at: number): boolean {
    return (
      at - incident.lastSeenMono <= this.#options.idleMs && at - incident.startedMono <= this.#options.maxMs
    );
  }
}

/** One object on one camera: the tracker's id when there is one, else the label (or type). */
function incidentKey(event: Pick<VigilEvent, 'type' | 'camera' | 'label' | 'objectId' | 'source'>): string {
  const where = event.camera ?? `source:${event.source}`;
  const what = event.objectId ? `object:${event.objectId}` : `label:${event.label ?? event.type}`;
  return `${where}\u0000${what}`;
}
