/**
 * Which events retention must keep, as SQL over `events e`. Shared by the delete and the
 * counting queries so "kept" and "not deleted" can never disagree.
 */

/**
 * States of events not yet routed (so not in the outbox yet): the same set as the
 * `events_pending` index in m002Events. A restart resumes them; deleting one would lose an
 * event that was acknowledged but never synced.
 */
const PENDING_STATES = "('persisted', 'enriched')";

/** Not yet acknowledged by the central server, or not yet routed at all. */
const UNSYNCED = `(e.state IN ${PENDING_STATES} OR EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id AND o.acked_at IS NULL))`;

/** Part of an incident someone may still act on: open, or acknowledged but not resolved. */
const PROTECTED = `EXISTS (SELECT 1 FROM incidents i WHERE i.id = e.incident_id AND i.resolved_at IS NULL AND (i.ended_at IS NULL OR i.acknowledged_at IS NOT NULL))`;

/**
 * Oldest deletable events after a scan position (timestamp, rowid). Continuing from the last
 * deleted row means kept rows (an outbox backlog after weeks offline) are scanned once per run,
 * not once per batch.
 *
 * By age, an event received before the clock was synchronised (`clock_unsynced`: stamped at the
 * last saved time, or in 1970) is old only once a synchronised event stored after it is: the
 * second `?` is the newest rowid of the synchronised events past the age ({@link MAX_SYNCED_ROWID}).
 * So a clock set forwards by a year at boot deletes nothing early.
 */
function selectDeletable(bounded: boolean): string {
  return `SELECT e.rowid AS rid, e.id, e.timestamp, e.incident_id FROM events e
    WHERE ${bounded ? 'e.timestamp < ? AND (e.clock_unsynced = 0 OR e.rowid < ?) AND ' : ''}e.timestamp >= ? AND (e.timestamp > ? OR e.rowid > ?)
      AND NOT ${UNSYNCED} AND NOT ${PROTECTED}
    ORDER BY e.timestamp, e.rowid LIMIT ?`;
}

export const SELECT_DELETABLE_OLDER = selectDeletable(true);
/** The newest synchronised event older than `?`: the unsynchronised events stored before it are as old. */
export const MAX_SYNCED_ROWID = `SELECT coalesce(max(rowid), 0) AS r FROM events WHERE clock_unsynced = 0 AND timestamp < ?`;
export const SELECT_DELETABLE_ANY = selectDeletable(false);

/** `?` is a JSON array of event ids in each of these. */
export const DELETE_EVENT_AUDIT = `DELETE FROM audit WHERE subject_kind = 'event' AND subject_id IN (SELECT value FROM json_each(?))`;
/** Acknowledged outbox rows are only kept to answer for their event; they go with it. */
export const DELETE_ACKED_OUTBOX = `DELETE FROM outbox WHERE acked_at IS NOT NULL AND event_id IN (SELECT value FROM json_each(?))`;
/** event_zones and enrichments follow by ON DELETE CASCADE; events_fts by its trigger. */
export const DELETE_EVENTS = `DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))`;

/** `?` is a JSON array of incident ids whose events were just deleted. */
const EMPTY_ENDED_INCIDENTS = `SELECT i.id FROM incidents i
  WHERE i.id IN (SELECT value FROM json_each(?)) AND i.ended_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.incident_id = i.id)`;
export const DELETE_INCIDENT_AUDIT = `DELETE FROM audit WHERE subject_kind = 'incident' AND subject_id IN (${EMPTY_ENDED_INCIDENTS})`;
export const DELETE_INCIDENTS = `DELETE FROM incidents WHERE id IN (${EMPTY_ENDED_INCIDENTS})`;

export const COUNT_EVENTS = 'SELECT count(*) AS n FROM events';

function countKept(bounded: boolean, reason: string): string {
  return `SELECT count(*) AS n FROM events e WHERE ${bounded ? 'e.timestamp < ? AND ' : ''}${reason}`;
}
/** Kept because unsynced; protected-and-unsynced events count here only, so no event counts twice. */
export const COUNT_UNSYNCED = { bounded: countKept(true, UNSYNCED), all: countKept(false, UNSYNCED) };
export const COUNT_PROTECTED = {
  bounded: countKept(true, `${PROTECTED} AND NOT ${UNSYNCED}`),
  all: countKept(false, `${PROTECTED} AND NOT ${UNSYNCED}`),
};
