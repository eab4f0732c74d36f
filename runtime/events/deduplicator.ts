import { type Clock, monotonicOf } from '../../base/clock';
import { type Box, iou } from '../../base/geometry';
import type { EventType, VigilEvent } from '../domain/eventModel';

/** Same state (fingerprint), or same state with boxes that overlap (iou). */
export type DuplicateReason = 'fingerprint' | 'iou';

export interface DedupOptions {
  enabled: boolean;
  /** Window per type in ms; 0 turns time-based dedup off for that type. */
  windowMs: (type: EventType) => number;
  /** Boxes overlapping at least this much are the same sighting. */
  iouThreshold: number;
  /** Most remembered sightings; the oldest is forgotten first. */
  maxEntries: number;
  /**
   * The longest window of any type. A sighting older than this (by event time, against the
   * newest remembered) can match nothing and is forgotten; without it sightings stay until
   * `maxEntries` pushes them out: 20,000 by default, ~10 MB of heap, filled by a house's sensors
   * over days and by the soak's 10 distinct events a second over 33 minutes.
   */
  horizonMs?: number;
}

/** What the deduplicator needs to know about an event. */
export interface Sighting {
  /** Same for reports of the same thing: type, camera, label, object and source. */
  key: string;
  id: string;
  type: EventType;
  /**
   * The event's time on the monotonic timeline (its stamp less the clock's offset when it came), so
   * a wall-clock jump between two reports neither folds nor splits them.
   */
  at: number;
  camera: string | null;
  label: string | null;
  objectId: string | null;
  source: string;
  box: Box | null;
  fingerprint: string;
}

export interface Duplicate {
  of: string;
  reason: DuplicateReason;
}

/**
 * Finds repeats of a recently stored event (idempotency by id is the processor's job, against the
 * database). Only a report of the same state folds: within a type's window after the last
 * *stored* sighting of the same thing, a report is a duplicate when its fingerprint (the state it
 * reports: fingerprint.ts) is the stored one's and, when both have boxes, the boxes overlap (IoU).
 * Anything that changed — a sensor going inactive, another face identity, another zone set — is
 * stored, however soon it came, and becomes the sighting later reports are compared with. The
 * window does not slide on duplicates, so a thing that stays produces one stored event per window.
 */
export class Deduplicator {
  readonly #options: DedupOptions;
  readonly #recent = new Map<string, Sighting>();
  readonly counts: Record<DuplicateReason, number> = { fingerprint: 0, iou: 0 };

  constructor(options: DedupOptions) {
    this.#options = options;
  }

  check(sighting: Sighting): Duplicate | null {
    if (!this.#options.enabled) return null;
    const windowMs = this.#options.windowMs(sighting.type);
    if (windowMs <= 0) return null;
    const previous = this.#recent.get(sighting.key);
    if (!previous) return null;
    const age = sighting.at - previous.at;
    if (age < 0 || age > windowMs) return null;
    const reason = duplicateReason(previous, sighting, this.#options.iouThreshold);
    if (reason) this.counts[reason] += 1;
    return reason ? { of: previous.id, reason } : null;
  }

  /** Records a stored sighting as the one later reports are compared with. */
  remember(sighting: Sighting): void {
    const { key } = sighting;
    this.#recent.delete(key);
    this.#recent.set(key, sighting);
    if (this.#recent.size > this.#options.maxEntries) {
      const oldest = this.#recent.keys().next();
      if (!oldest.done) this.#recent.delete(oldest.value);
    }
    this.#forgetOlderThan(sighting.at);
  }

  /**
   * Drops sightings beyond the horizon from the front of the map (least recently remembered
   * first), stopping at the first one still within it: amortised one deletion per sighting. An
   * event that arrives late, stamped before a forgotten sighting, is stored rather than folded.
   */
  #forgetOlderThan(newest: number): void {
    const horizon = this.#options.horizonMs;
    if (horizon === undefined) return;
    const cutoff = newest - horizon;
    for (const [key, old] of this.#recent) {
      if (old.at >= cutoff) break;
      this.#recent.delete(key);
    }
  }

  /** Undoes `remember` when the store failed, so the next report is not matched to a ghost. */
  forget(sighting: Sighting): void {
    if (this.#recent.get(sighting.key)?.id === sighting.id) this.#recent.delete(sighting.key);
  }

  get size(): number {
    return this.#recent.size;
  }
}

/** Only what dedup compares: a remembered sighting must not keep the event's data alive. */
export function sightingOf(event: VigilEvent, clock: Clock): Sighting {
  const { type, camera, label, objectId, source } = event;
  return {
    key: `${type}\u0000${camera ?? ''}\u0000${label ?? ''}\u0000${objectId ?? ''}\u0000${source}`,
    id: event.id,
    type,
    at: monotonicOf(clock, event.timestamp),
    camera,
    label,
    objectId,
    source,
    box: event.box,
    fingerprint: event.fingerprint,
  };
}

/** A changed state is never a duplicate; the same state is, unless its box moved away. */
function duplicateReason(previous: Sighting, next: Sighting, iouThreshold: number): DuplicateReason | null {
  if (previous.fingerprint !== next.fingerprint) return null;
  if (previous.box === null || next.box === null) return 'fingerprint';
  const overlap = iou(previous.box, next.box);
  if (overlap < iouThreshold) return null;
  return sameBox(previous.box, next.box) ? 'fingerprint' : 'iou';
}

function sameBox(a: Box, b: Box): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}
