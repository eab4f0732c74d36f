import type { EventStore } from '../eventStore';
import type { EventRowValues } from '../eventTable';
import type { IncidentRowValues } from '../incidentRows';
import type { RoutingOp } from '../routingOps';
import { routingStoreOf } from '../routingStore';

/** A new event and what its arrival did to incidents: stored in one transaction. */
export interface PersistEvent {
  op: 'persist';
  event: EventRowValues;
  zones: string[];
  /** Who handed the event in, for the audit trail. */
  actor: string;
  /** The incident this event started. */
  newIncident: IncidentRowValues | null;
  /** The incident closed to make room for this one (it reached its maximum length). */
  endedIncidentId: string | null;
  /** `data.snapshot` of an event that belongs to an incident. */
  snapshot: { path: string; incidentId: string } | null;
}

/** A duplicate folded into the original event. */
interface RecordDuplicate {
  op: 'duplicate';
  originalId: string;
  at: number;
  /** The repeat's own id, kept as folded into the original. */
  foldedId: string;
  reason: 'fingerprint' | 'iou';
}

/** Open incidents changed since the last sweep, and those that ended. */
interface SaveIncidents {
  op: 'incidents';
  at: number;
  changed: IncidentRowValues[];
  ended: IncidentRowValues[];
  endReason: string;
}

/** A routing batch's outcome (enrichments, decisions, outbox rows, states, dead letters): one transaction. */
interface RouteBatch {
  op: 'route';
  ops: RoutingOp[];
}

/** The writes of the acknowledged ingest path, as plain data so they can cross to the writer thread. */
export type EventLogWrite = PersistEvent | RecordDuplicate | SaveIncidents | RouteBatch;

/** Carries out one write; runs inside a group-commit transaction of the event log writer. */
export function applyEventLogWrite(store: EventStore, write: EventLogWrite): void {
  switch (write.op) {
    case 'persist': {
      const [id, , , receivedAt] = write.event;
      store.insertEvent(write.event, write.zones, write.actor);
      if (write.endedIncidentId !== null)
        store.endIncident(write.endedIncidentId, receivedAt, 'reached its maximum length');
      // Updates of an open incident are batched by the sweep; a new one is written with its first event.
      if (write.newIncident !== null) store.saveIncident(write.newIncident, receivedAt, 'new');
      if (write.snapshot !== null) store.linkSnapshot(write.snapshot.path, write.snapshot.incidentId, id);
      return;
    }
    case 'duplicate':
      store.recordDuplicate(write.originalId, write.at, write.foldedId, write.reason);
      return;
    case 'route':
      routingStoreOf(store.db).apply(write.ops, store);
      return;
    case 'incidents':
      for (const incident of write.changed) store.saveIncident(incident, write.at, 'update');
      for (const incident of write.ended) {
        store.saveIncident(incident, write.at, 'update');
        store.endIncident(incident.id, write.at, write.endReason);
      }
      return;
  }
}
