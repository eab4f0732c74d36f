import { join } from 'node:path';
import { after } from 'node:test';
import type { EventType, VigilEvent } from '../../../runtime/domain/eventModel';
import { Deduplicator } from '../../../runtime/events/deduplicator';
import { EventIngest } from '../../../runtime/events/eventIngest';
import { EventLog } from '../../../runtime/events/eventLog/eventLog';
import { createEventMetrics } from '../../../runtime/events/eventMetrics';
import { EventStore } from '../../../runtime/events/eventStore';
import { IncidentAggregator } from '../../../runtime/events/incidentAggregator';
import { KnownIds } from '../../../runtime/events/knownIds';
import { Metrics } from '../../../runtime/metrics/metrics';
import { openDatabase } from '../../../runtime/store/database';
import { MIGRATIONS } from '../../../runtime/store/migrations/index';
import { migrate } from '../../../runtime/store/migrator';
import { tempDir } from '../../helpers/tempDir';
import { TestClock } from '../../helpers/testClock';

const WINDOWS: Partial<Record<EventType, number>> = {
  motion: 10_000,
  object_detected: 2000,
  intrusion: 2000,
  sensor: 2000,
  face_known: 2000,
};

/** A real database and the ingest stages wired as the app wires them, with a controllable clock and mode. */
export async function ingestKit(options: { mode?: string; loitering?: number; synced?: boolean } = {}) {
  const file = join(tempDir(), 'vigil.db');
  const db = openDatabase(file);
  migrate(db, file, MIGRATIONS);
  const log = await EventLog.open({ file, maxBatch: 256 });
  const store = new EventStore(db);
  const metrics = new Metrics();
  const eventMetrics = createEventMetrics(metrics);
  const persisted: VigilEvent[] = [];
  let mode = options.mode ?? 'home';
  const clock = new TestClock(Date.parse('2026-11-23T12:00:00Z'));
  let synced = options.synced ?? true;
  const ingest = new EventIngest({
    log,
    knownIds: new KnownIds(),
    storedResult: (id) => store.findResult(id),
    dedup: new Deduplicator({
      enabled: true,
      windowMs: (t) => WINDOWS[t] ?? 0,
      iouThreshold: 0.85,
      maxEntries: 1000,
    }),
    incidents: new IncidentAggregator({
      idleMs: 30_000,
      maxMs: 600_000,
      newId: () => crypto.randomUUID(),
      clock,
    }),
    metrics: eventMetrics,
    alarm: { mode: () => mode, disarmedMode: 'disarmed', awayMode: 'away' },
    loiteringSeconds: () => options.loitering ?? 0,
    afterPersist: (event) => persisted.push(event),
    clock,
    clockSynced: () => synced,
  });
  after(async () => {
    await log.close();
    db.close();
  });
  return {
    db,
    ingest,
    metrics,
    persisted,
    setMode: (m: string) => {
      mode = m;
    },
    advance: (ms: number) => clock.advance(ms),
    /** Sets the wall clock as NTP does; monotonic time does not move. */
    jump: (ms: number) => clock.jump(ms),
    setSynced: (value: boolean) => {
      synced = value;
    },
    now: () => clock.now(),
    count: (sql = 'SELECT count(*) AS n FROM events') => (db.prepare(sql).get() as { n: number }).n,
  };
}
