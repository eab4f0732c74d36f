import type { Database, Statement } from 'better-sqlite3';
import type { Severity, VigilEvent } from '../domain/eventModel';
import { snapshotFilesOf } from '../store/snapshotFiles';
import { EVENT_INSERT_COLUMNS, type EventRowValues } from './eventTable';
import type { IncidentRowValues } from './incidentRows';

/** States an event moves through; each change is an audit row. */
export type EventState =
  | 'received'
  | 'validated'
  | 'persisted'
  | 'enriched'
  | 'filtered'
  | 'routed'
  | 'failed'
  | 'dead_lettered';

/** What the API and producers get back for an ingested event. */
export interface IngestResult {
  id: string;
  status: 'created' | 'duplicate';
  /** Why it was a duplicate: a replayed id, or a same-state repeat (deduplicator.ts). */
  duplicate_reason?: 'id' | 'fingerprint' | 'iou';
  /**
   * A repeat folded into the event `id`: the report's own id (sent, or made for it), which
   * `GET /api/v1/events/:id` still resolves to the event it was folded into.
   */
  folded_id?: string;
  type: VigilEvent['type'];
  severity: Severity;
  incident_id: string | null;
}

/**
 * The prepared statements of the event log. Every method is synchronous and meant to run inside
 * a `GroupCommitWriter.write` callback, so one event's rows commit together or not at all.
 */
export class EventStore {
  readonly #db: Database;
  readonly #statements: Record<string, Statement>;

  constructor(db: Database) {
    this.#db = db;
    this.#statements = {
      insertEvent: db.prepare(
        `INSERT INTO events (${EVENT_INSERT_COLUMNS.join(', ')}, state)
         VALUES (${EVENT_INSERT_COLUMNS.map(() => '?').join(', ')}, 'persisted')`,
      ),
      insertZone: db.prepare('INSERT OR IGNORE INTO event_zones (zone, event_id) VALUES (?, ?)'),
      audit: db.prepare(
        'INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      upsertIncident: db.prepare(`
        INSERT INTO incidents (id, key, camera, label, object_id, type, severity, state, started_at, last_seen_at,
          event_count, max_confidence, zones)
        VALUES (@id, @key, @camera, @label, @objectId, @type, @severity, @state, @startedAt, @lastSeenAt,
          @eventCount, @maxConfidence, @zones)
        ON CONFLICT (id) DO UPDATE SET type = excluded.type, severity = excluded.severity,
          state = CASE WHEN incidents.state IN ('acknowledged', 'resolved') THEN incidents.state ELSE excluded.state END,
          last_seen_at = excluded.last_seen_at, event_count = excluded.event_count,
          max_confidence = excluded.max_confidence, zones = excluded.zones
        WHERE incidents.ended_at IS NULL`),
      endIncident: db.prepare(
        "UPDATE incidents SET ended_at = ?, state = CASE WHEN state IN ('acknowledged', 'resolved') THEN state ELSE 'ended' END WHERE id = ? AND ended_at IS NULL",
      ),
      bumpDuplicate: db.prepare(
        'UPDATE events SET duplicates = duplicates + 1, last_duplicate_at = MAX(COALESCE(last_duplicate_at, 0), ?) WHERE id = ?',
      ),
      findResult: db.prepare('SELECT id, type, severity, incident_id FROM events WHERE id = ?'),
      findFold: db.prepare(
        'SELECT e.id, e.type, e.severity, e.incident_id FROM event_folds f JOIN events e ON e.id = f.event_id WHERE f.id = ?',
      ),
      insertFold: db.prepare('INSERT INTO event_folds (id, event_id, at, reason) VALUES (?, ?, ?, ?)'),
      setState: db.prepare('UPDATE events SET state = ? WHERE id = ?'),
      incidentSnapshot: db.prepare('UPDATE incidents SET snapshot_path = ? WHERE id = ?'),
      mediaOwner: db.prepare(
        'UPDATE media SET incident_id = ?, event_id = COALESCE(event_id, ?) WHERE path IN (?, ?, ?)',
      ),
    };
  }

  /** The stored outcome of an id (an event's, or a repeat's folded into one), for idempotent replays. */
  findResult(id: string): IngestResult | undefined {
    type Row = { id: string; type: VigilEvent['type']; severity: Severity; incident_id: string | null };
    const row = this.#statements.findResult?.get(id) as Row | undefined;
    if (row) return { ...row, status: 'duplicate', duplicate_reason: 'id' };
    const folded = this.#statements.findFold?.get(id) as Row | undefined;
    return folded ? { ...folded, status: 'duplicate', duplicate_reason: 'id', folded_id: id } : undefined;
  }

  /**
   * The event row, its zones and its first audit row. Receipt, validation and storage happen in
   * one transaction, so they are one transition: `persisted`, whose reason names who sent it.
   */
  insertEvent(row: EventRowValues, zones: readonly string[], actor: string): void {
    const [id, , , receivedAt] = row;
    this.#run('insertEvent', ...row);
    for (const zone of zones) this.#run('insertZone', zone, id);
    this.audit('event', id, 'persisted', receivedAt, actor, 'received and validated');
  }

  saveIncident(incident: IncidentRowValues, at: number, transition: 'new' | 'update'): void {
    this.#run('upsertIncident', incident);
    if (transition === 'new')
      this.audit('incident', incident.id, 'new', at, 'processor', `started by a ${incident.type} event`);
  }

  endIncident(incidentId: string, at: number, reason: string): void {
    this.#run('endIncident', at, incidentId);
    this.audit('incident', incidentId, 'ended', at, 'processor', reason);
  }

  /**
   * A duplicate is not a new event: the original counts it (its incident's last_seen is batched)
   * and its id is kept as folded into the original, so it still resolves.
   */
  recordDuplicate(originalId: string, at: number, foldedId: string, reason: string): void {
    this.#run('bumpDuplicate', at, originalId);
    this.#run('insertFold', foldedId, originalId, at, reason);
  }

  /**
   * The pipeline saved a snapshot for the event's object (`data.snapshot`): it becomes the
   * incident's snapshot (the latest is the best so far), and its files belong to the incident,
   * which retention needs to know. Paths that are not a Vigil snapshot are ignored.
   */
  linkSnapshot(snapshot: string, incidentId: string, eventId: string): void {
    const files = snapshotFilesOf(snapshot);
    if (files === null) return;
    this.#run('incidentSnapshot', files.snapshot, incidentId);
    this.#run('mediaOwner', incidentId, eventId, files.snapshot, files.annotated, files.thumbnail);
  }

  setState(id: string, state: EventState, at: number, actor: string, reason: string | null): void {
    this.#run('setState', state, id);
    this.audit('event', id, state, at, actor, reason);
  }

  audit(
    kind: 'event' | 'incident',
    id: string,
    state: string,
    at: number,
    actor: string,
    reason: string | null,
  ): void {
    this.#run('audit', kind, id, state, at, actor, reason);
  }

  get db(): Database {
    return this.#db;
  }

  #run(name: string, ...params: unknown[]): void {
    const statement = this.#statements[name];
    if (!statement) throw new Error(`unknown statement ${name}`);
    statement.run(...params);
  }
}
