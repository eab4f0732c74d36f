import type { Database } from 'better-sqlite3';
import { SEVERITIES } from '../domain/eventModel';

/** SQL giving the rank of `x.severity` (0 = info … 4 = critical). */
const RANK = `CASE x.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} END`;

/** The first stored event of the incident: its camera, label and object make the key. */
const FIRST = (column: string) =>
  `(SELECT x.${column} FROM events x WHERE x.incident_id = e.incident_id ORDER BY x.rowid LIMIT 1)`;

const rebuildSql = (scope: string) => `
  CREATE TEMP TABLE IF NOT EXISTS rebuilt AS SELECT * FROM incidents WHERE 0;
  DELETE FROM rebuilt;
  INSERT INTO rebuilt (id, key, camera, label, object_id, type, severity, state, started_at, last_seen_at,
    event_count, max_confidence, zones)
  SELECT
    e.incident_id,
    COALESCE(${FIRST('camera')}, 'source:' || ${FIRST('source')}) || char(0) ||
      CASE WHEN ${FIRST('object_id')} IS NOT NULL THEN 'object:' || ${FIRST('object_id')}
           ELSE 'label:' || COALESCE(${FIRST('label')}, ${FIRST('type')}) END,
    ${FIRST('camera')}, ${FIRST('label')}, ${FIRST('object_id')},
    (SELECT x.type FROM events x WHERE x.incident_id = e.incident_id ORDER BY ${RANK} DESC, x.rowid DESC LIMIT 1),
    (SELECT x.severity FROM events x WHERE x.incident_id = e.incident_id ORDER BY ${RANK} DESC LIMIT 1),
    CASE WHEN count(*) > 1 THEN 'active' ELSE 'new' END,
    min(e.timestamp),
    max(max(e.timestamp), COALESCE(max(e.last_duplicate_at), 0)),
    count(*),
    max(e.confidence),
    COALESCE((
      SELECT json_group_array(value) FROM (
        SELECT j.value AS value, min(x.rowid) AS first FROM events x, json_each(x.zones) j
        WHERE x.incident_id = e.incident_id GROUP BY j.value ORDER BY first)
    ), '[]')
  FROM events e
  WHERE e.incident_id IS NOT NULL ${scope}
  GROUP BY e.incident_id;

  UPDATE rebuilt SET
    ended_at = (SELECT max(at) FROM audit WHERE subject_kind = 'incident' AND subject_id = rebuilt.id AND state = 'ended'),
    acknowledged_at = (SELECT max(at) FROM audit WHERE subject_kind = 'incident' AND subject_id = rebuilt.id AND state = 'acknowledged'),
    resolved_at = (SELECT max(at) FROM audit WHERE subject_kind = 'incident' AND subject_id = rebuilt.id AND state = 'resolved'),
    note = (SELECT note FROM incidents WHERE incidents.id = rebuilt.id);
  -- Media are not in the event log: the clip and snapshot the recorder and pipeline stored stay, as
  -- does the protected flag.
  UPDATE rebuilt SET (clip_state, clip_path, clip_gaps, snapshot_path, protected) = (
    SELECT i.clip_state, i.clip_path, i.clip_gaps, i.snapshot_path, i.protected FROM incidents i WHERE i.id = rebuilt.id);
  UPDATE rebuilt SET clip_gaps = COALESCE(clip_gaps, '[]'), protected = COALESCE(protected, 0);
  UPDATE rebuilt SET state = CASE
    WHEN resolved_at IS NOT NULL THEN 'resolved'
    WHEN acknowledged_at IS NOT NULL THEN 'acknowledged'
    WHEN ended_at IS NOT NULL THEN 'ended'
    ELSE state END;

  DELETE FROM incidents WHERE id IN (SELECT id FROM rebuilt);
  INSERT INTO incidents SELECT * FROM rebuilt;
`;

/**
 * Event sourcing: rebuilds every incident from the event log (counts, times, severity, zones)
 * and the audit trail (ended, acknowledged, resolved), in one transaction. The result equals
 * what the live aggregator wrote — a test proves it. Returns the number of incidents.
 */
export function rebuildIncidents(db: Database, options: { onlyOpen?: boolean } = {}): number {
  // Open incidents are written lazily (see IncidentAggregator); at start they are rebuilt from their events.
  const scope = options.onlyOpen
    ? 'AND e.incident_id IN (SELECT id FROM incidents WHERE ended_at IS NULL)'
    : '';
  return db
    .transaction(() => {
      db.exec(rebuildSql(scope));
      return (db.prepare('SELECT count(*) AS n FROM rebuilt').get() as { n: number }).n;
    })
    .immediate();
}
