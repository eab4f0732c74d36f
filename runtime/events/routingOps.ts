import { eventToJson } from '../domain/eventJson';
import type { VigilEvent } from '../domain/eventModel';
import type { Decision } from '../rules/decision';
import { type EnrichmentResult, NOT_APPLICABLE } from './enrichment/types';
import type { EventState } from './eventStore';

/**
 * One row the routing stage writes, as plain data: built on the main thread, it crosses to the
 * event log's writer thread, which applies a batch's rows in one transaction
 * (`RoutingStore.apply`). Tuples, so a batch of thousands clones cheaply.
 */
export type RoutingOp =
  | [
      kind: 'enrichment',
      eventId: string,
      enricher: string,
      status: string,
      data: string | null,
      durationMs: number,
      attempts: number,
      error: string | null,
    ]
  | [
      kind: 'decision',
      severity: string,
      description: string | null,
      tags: string,
      decision: string,
      /** Null: the event's data is unchanged (the decision sets no field). */
      data: string | null,
      eventId: string,
      /** The state the event moves to with it (one row update for both), and its audit row. */
      state: { state: EventState; at: number; actor: string; reason: string | null } | null,
    ]
  | [
      kind: 'outbox',
      eventId: string,
      camera: string | null,
      severity: string,
      payload: string,
      at: number,
      bytes: number,
    ]
  | [kind: 'dead_letter', eventId: string | null, stage: string, reason: string, payload: string, at: number]
  | [kind: 'state', eventId: string, state: EventState, at: number, actor: string, reason: string | null]
  | [kind: 'audit', eventId: string, state: EventState, at: number, actor: string, reason: string | null]
  | [kind: 'resolve_dead_letters', eventId: string, at: number];

/**
 * The rows of the enricher outcomes worth keeping, one each: an enricher that had nothing to add
 * to the event (`NOT_APPLICABLE`) leaves none — half the rows of a typical event, and the
 * metrics count it all the same. A skip for a failed dependency is kept: it says why.
 */
export function enrichmentOps(eventId: string, results: readonly EnrichmentResult[]): RoutingOp[] {
  const ops: RoutingOp[] = [];
  for (const r of results) {
    if (r.status === 'skipped' && r.error === NOT_APPLICABLE) continue;
    ops.push([
      'enrichment',
      eventId,
      r.enricher,
      r.status,
      r.data === undefined ? null : JSON.stringify(r.data),
      r.durationMs,
      r.attempts,
      r.error ?? null,
    ]);
  }
  return ops;
}

/** What the rules decided, and the state it moves the event to; `set` fields are merged into the event's data. */
export function decisionOp(
  event: VigilEvent,
  decision: Decision,
  description: string | null,
  state: Extract<RoutingOp, { 0: 'decision' }>[7] = null,
): RoutingOp {
  const data =
    Object.keys(decision.set).length > 0 ? JSON.stringify({ ...event.data, ...decision.set }) : null;
  return [
    'decision',
    decision.severity,
    description,
    JSON.stringify(decision.tags),
    JSON.stringify(decision),
    data,
    event.id,
    state,
  ];
}

/** The event queued for the central server; the same event twice stays one row. */
function outboxOp(event: VigilEvent, decision: Decision, description: string | null, at: number): RoutingOp {
  const payload = eventToJson(
    { ...event, severity: decision.severity },
    { description, tags: decision.tags },
  );
  const json = JSON.stringify(payload);
  return ['outbox', event.id, event.camera, decision.severity, json, at, Buffer.byteLength(json)];
}

export function deadLetterOp(
  eventId: string | null,
  stage: string,
  reason: string,
  payload: unknown,
  at: number,
): RoutingOp {
  return ['dead_letter', eventId, stage, reason, JSON.stringify(payload), at];
}

/** A state change and its audit row. */
export function stateOp(
  eventId: string,
  state: EventState,
  at: number,
  actor: string,
  reason: string | null,
): RoutingOp {
  return ['state', eventId, state, at, actor, reason];
}

/** An audit row alone, for a state the event passes through within one transaction. */
export function auditOp(
  eventId: string,
  state: EventState,
  at: number,
  actor: string,
  reason: string | null,
): RoutingOp {
  return ['audit', eventId, state, at, actor, reason];
}

/** The event's open `process` dead letters are resolved: an automatic retry routed it. */
export function resolveDeadLettersOp(eventId: string, at: number): RoutingOp {
  return ['resolve_dead_letters', eventId, at];
}

/**
 * Collects the rows of a routing batch as they are made, the staged channels' (the outbox) among
 * them; `take` hands them over for one commit. Everything between `mark` and `take` is
 * synchronous, so batches never mix.
 */
export class RoutingRecorder {
  #ops: RoutingOp[] = [];

  add(...ops: RoutingOp[]): void {
    for (const op of ops) this.#ops.push(op);
  }

  /** Where the rows of the next event start, to drop them again if it fails half-way. */
  mark(): number {
    return this.#ops.length;
  }

  /** Drops every row recorded since `mark`. */
  rollbackTo(mark: number): void {
    this.#ops.length = mark;
  }

  /** The rows recorded so far; the recorder starts empty again. */
  take(): RoutingOp[] {
    const ops = this.#ops;
    this.#ops = [];
    return ops;
  }

  /** For the MQTT outbox channel (`outboxChannel`): the event's outbox row, in this batch. */
  addToOutbox(event: VigilEvent, decision: Decision, description: string | null, at: number): void {
    this.#ops.push(outboxOp(event, decision, description, at));
  }
}
