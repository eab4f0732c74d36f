import type { Database } from 'better-sqlite3';
import { RequestError } from '../../base/requestError';
import type { GroupCommitWriter } from '../store/groupCommitWriter';
import type { EventStore } from './eventStore';
import type { Router } from './routing/router';
import type { RoutingStore } from './routingStore';
import type { RoutingWorker } from './routingWorker';

interface DeadLetterRow {
  id: number;
  event_id: string | null;
  stage: string;
  resolved_at: number | null;
}

export interface RetryResult {
  dead_letter: number;
  event_id: string | null;
  ok: boolean;
  attempts: number;
  error?: string;
  /** `requeued`: the whole event goes through enrichment and routing again. */
  action: 'redelivered' | 'requeued';
}

export interface RedeliveryDeps {
  db: Database;
  writer: GroupCommitWriter;
  events: EventStore;
  routing: RoutingStore;
  router: Router;
  worker: RoutingWorker;
  now?: () => number;
}

/**
 * Second chances: retry a dead letter (one failed channel, or a whole failed event), and
 * re-route stored events, e.g. after a webhook or the network was down.
 */
export class Redelivery {
  readonly #deps: RedeliveryDeps;
  readonly #now: () => number;

  constructor(deps: RedeliveryDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  async retryDeadLetter(id: number): Promise<RetryResult> {
    const { db, writer, routing, router, events } = this.#deps;
    const letter = db
      .prepare('SELECT id, event_id, stage, resolved_at FROM dead_letters WHERE id = ?')
      .get(id) as DeadLetterRow | undefined;
    if (!letter) throw new RequestError('not_found', `no dead letter ${id}`, 'id');
    if (letter.resolved_at !== null)
      throw new RequestError('conflict', `dead letter ${id} was already resolved`, 'id');
    const stored = letter.event_id ? routing.find(letter.event_id) : undefined;
    if (!stored)
      throw new RequestError(
        'conflict',
        `the event of dead letter ${id} no longer exists (deleted by retention)`,
        'id',
      );

    const channel = letter.stage.startsWith('route:') ? letter.stage.slice('route:'.length) : null;
    if (channel === null || stored.decision === null) {
      await this.reroute([stored.event.id], 'api', `retry of dead letter ${id}`);
      await writer.write(() => markRetried(db, id, this.#now(), true));
      return { dead_letter: id, event_id: stored.event.id, ok: true, attempts: 0, action: 'requeued' };
    }
    const [delivery] = await router.route(stored.event, { ...stored.decision, routes: [channel] });
    const ok = delivery?.ok === true;
    await writer.write(() => {
      const at = this.#now();
      markRetried(db, id, at, ok);
      if (ok)
        events.audit(
          'event',
          stored.event.id,
          'routed',
          at,
          'api',
          `${channel} delivered on retry of dead letter ${id}`,
        );
    });
    return {
      dead_letter: id,
      event_id: stored.event.id,
      ok,
      attempts: delivery?.attempts ?? 0,
      ...(delivery?.error ? { error: delivery.error } : {}),
      action: 'redelivered',
    };
  }

  /** Sends stored events through enrichment, rules and every channel again. Returns how many. */
  async reroute(ids: readonly string[], actor: string, reason: string): Promise<number> {
    const { writer, events, routing, worker } = this.#deps;
    const found = ids.map((id) => routing.find(id)?.event).filter((e) => e !== undefined);
    await writer.write(() => {
      const at = this.#now();
      for (const event of found) events.setState(event.id, 'persisted', at, actor, reason);
    });
    for (const event of found) worker.enqueue(event);
    return found.length;
  }
}

function markRetried(db: Database, id: number, at: number, resolved: boolean): void {
  db.prepare(
    'UPDATE dead_letters SET retry_count = retry_count + 1, retried_at = ?, resolved_at = CASE WHEN ? THEN ? ELSE resolved_at END WHERE id = ?',
  ).run(at, resolved ? 1 : 0, at, id);
}
