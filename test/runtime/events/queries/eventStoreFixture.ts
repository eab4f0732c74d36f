import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../../runtime/store/database';
import { GroupCommitWriter } from '../../../../runtime/store/groupCommitWriter';
import { MIGRATIONS } from '../../../../runtime/store/migrations/index';
import { migrate } from '../../../../runtime/store/migrator';
import { tempDir } from '../../../helpers/tempDir';

/** A migrated database in a temp dir and a writer on it; closed when the test file ends. */
export function freshStore(): { db: Database; writer: GroupCommitWriter } {
  const file = join(tempDir(), 'vigil.db');
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  return { db, writer: new GroupCommitWriter(db, { maxBatch: 50, maxDelayMs: 1 }) };
}

export interface SeedEvent {
  id: string;
  timestamp: number;
  type?: string;
  camera?: string | null;
  label?: string | null;
  zones?: string[];
  severity?: string;
  description?: string;
  incidentId?: string;
  state?: string;
  data?: Record<string, unknown>;
}

/**
 * Inserts an event as the processor stores it: the row, its zones, and the description set by a
 * later UPDATE (the schema keeps events_fts in step on UPDATE and DELETE, not on INSERT).
 */
export function insertEvent(db: Database, e: SeedEvent): void {
  db.prepare(
    `INSERT INTO events (id, type, timestamp, received_at, source, camera, label, zones, data, correlation_id,
       severity, fingerprint, incident_id, state)
     VALUES (?, ?, ?, ?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.id,
    e.type ?? 'object_detected',
    e.timestamp,
    e.timestamp + 5,
    e.camera === undefined ? 'front' : e.camera,
    e.label === undefined ? 'person' : e.label,
    JSON.stringify(e.zones ?? []),
    JSON.stringify(e.data ?? {}),
    `corr-${e.id}`,
    e.severity ?? 'medium',
    `fp-${e.id}`,
    e.incidentId ?? null,
    e.state ?? 'routed',
  );
  for (const zone of e.zones ?? []) {
    db.prepare('INSERT INTO event_zones (zone, event_id) VALUES (?, ?)').run(zone, e.id);
  }
  if (e.description !== undefined) {
    db.prepare('UPDATE events SET description = ? WHERE id = ?').run(e.description, e.id);
  }
}

export interface SeedIncident {
  id: string;
  startedAt: number;
  camera?: string;
  label?: string;
  severity?: string;
  endedAt?: number | null;
  acknowledgedAt?: number | null;
  resolvedAt?: number | null;
}

export function insertIncident(db: Database, i: SeedIncident): void {
  db.prepare(
    `INSERT INTO incidents (id, key, camera, label, type, severity, state, started_at, last_seen_at, ended_at,
       event_count, zones, acknowledged_at, resolved_at)
     VALUES (?, ?, ?, ?, 'intrusion', ?, ?, ?, ?, ?, 1, '["porch"]', ?, ?)`,
  ).run(
    i.id,
    `key-${i.id}`,
    i.camera ?? 'front',
    i.label ?? 'person',
    i.severity ?? 'high',
    i.endedAt ? 'ended' : 'open',
    i.startedAt,
    i.startedAt,
    i.endedAt ?? null,
    i.acknowledgedAt ?? null,
    i.resolvedAt ?? null,
  );
}

export function insertAudit(
  db: Database,
  kind: 'event' | 'incident',
  subjectId: string,
  state: string,
  at: number,
  reason: string | null = null,
): void {
  db.prepare(
    'INSERT INTO audit (subject_kind, subject_id, state, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(kind, subjectId, state, at, 'processor', reason);
}

export function insertEnrichment(
  db: Database,
  eventId: string,
  enricher: string,
  data: Record<string, unknown>,
): void {
  db.prepare(
    `INSERT INTO enrichments (event_id, enricher, status, data, duration_ms, attempts, error)
     VALUES (?, ?, 'success', ?, 1.5, 1, NULL)`,
  ).run(eventId, enricher, JSON.stringify(data));
}

export function insertOutbox(db: Database, eventId: string, ackedAt: number | null): void {
  db.prepare(
    `INSERT INTO outbox (event_id, camera, severity, payload, created_at, acked_at) VALUES (?, 'front', 'low', '{}', 0, ?)`,
  ).run(eventId, ackedAt);
}

export function countRows(db: Database, table: string, where = '1'): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
}
