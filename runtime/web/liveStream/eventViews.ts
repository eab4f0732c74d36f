import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from '../../../base/logger';
import type { VigilEvent } from '../../domain/eventModel';
import type { EventView } from '../../events/eventTable';
import { type EventRow, eventViewOf, toEventView } from '../../events/eventTable';
import type { Decision } from '../../rules/decision';

/** Shows a routed event as `GET /api/v1/events` lists it. */
export type EventViewer = (event: VigilEvent, decision: Decision) => EventView;

/**
 * The stream's view of an event routed to `web`: its stored row, mapped by the same function as
 * `GET /api/v1/events` (the decision and the enrichers' description are committed before routing
 * starts, and only the row has the description), with state `routed`, which the row reaches once
 * the stream and the other routes have taken it. Falls back to the in-memory event when the row
 * cannot be read (database closed during shutdown).
 */
export function storedEventViews(db: () => Database, logger?: Logger): EventViewer {
  let statement: Statement | undefined;
  return (event, decision) => {
    try {
      statement ??= db().prepare('SELECT * FROM events WHERE id = ?');
      const row = statement.get(event.id) as EventRow | undefined;
      if (row !== undefined) return { ...toEventView(row), state: 'routed' };
    } catch (err) {
      logger?.debug({ err, eventId: event.id }, 'stored event not readable; streaming the in-memory event');
    }
    return eventViewOf(event, decision);
  };
}
