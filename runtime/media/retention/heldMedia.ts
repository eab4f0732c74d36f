import type { Database } from 'better-sqlite3';
import { snapshotFilesOf } from '../../store/snapshotFiles';

/**
 * What retention must not delete, read in one go: incidents that are protected (a person marked
 * them important) or unsynced (the central server has not acknowledged all their events), the
 * unsynced events themselves, and the files those incidents point at.
 */
export interface HeldMedia {
  incidents: ReadonlySet<string>;
  events: ReadonlySet<string>;
  paths: ReadonlySet<string>;
}

/** Whom a file or an unknown face belongs to. */
export interface Owners {
  /** Media paths (for incidents' `clip_path` / `snapshot_path`). */
  paths: readonly string[];
  incidentIds: readonly (string | null)[];
  eventIds: readonly (string | null)[];
}

/**
 * Unsynced events: waiting in the outbox for the server's ack, or not routed yet (the states of the
 * `events_pending` index in m002Events, which a restart resumes and which then reach the outbox).
 * Without MQTT the outbox stays empty and only the second part can hold anything.
 */
const UNSYNCED_EVENTS = `
  SELECT event_id AS id FROM outbox WHERE acked_at IS NULL
  UNION SELECT id FROM events WHERE state IN ('persisted', 'enriched')`;

const HELD_INCIDENTS = `
  SELECT id, clip_path, snapshot_path FROM incidents WHERE protected = 1
  UNION
  SELECT i.id, i.clip_path, i.snapshot_path FROM incidents i
   WHERE i.id IN (SELECT e.incident_id FROM events e WHERE e.id IN (${UNSYNCED_EVENTS}))`;

/**
 * Reads what is held now. Sweeps call it again before each batch of deletions, so an incident
 * protected while a sweep runs is spared from the next batch on.
 */
export function loadHeldMedia(db: Database): HeldMedia {
  const events = new Set((db.prepare(UNSYNCED_EVENTS).all() as Array<{ id: string }>).map((row) => row.id));
  const incidents = new Set<string>();
  const paths = new Set<string>();
  const rows = db.prepare(HELD_INCIDENTS).all() as Array<{
    id: string;
    clip_path: string | null;
    snapshot_path: string | null;
  }>;
  for (const row of rows) {
    incidents.add(row.id);
    if (row.clip_path !== null) paths.add(row.clip_path);
    if (row.snapshot_path !== null) {
      // The incident names the clean snapshot; its annotated copy and thumbnail share its fate.
      const set = snapshotFilesOf(row.snapshot_path);
      for (const path of set ? Object.values(set) : [row.snapshot_path]) paths.add(path);
    }
  }
  return { incidents, events, paths };
}

export function isHeld(held: HeldMedia, owners: Owners): boolean {
  return (
    owners.paths.some((path) => held.paths.has(path)) ||
    owners.incidentIds.some((id) => id !== null && held.incidents.has(id)) ||
    owners.eventIds.some((id) => id !== null && held.events.has(id))
  );
}
