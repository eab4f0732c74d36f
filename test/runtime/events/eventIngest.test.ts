import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventValidationError } from '../../../runtime/events/eventValidation';
import { EventQueries } from '../../../runtime/events/queries/eventQueries';
import { ingestKit } from './ingestKit';
import { insertEvent } from './queries/eventStoreFixture';

const person = {
  type: 'object_detected',
  camera: 'front',
  label: 'person',
  confidence: 0.9,
  box: [0.1, 0.1, 0.3, 0.6],
};

describe('event ingest', () => {
  test('stores a classified, scored event with its audit trail and incident', async () => {
    const kit = await ingestKit({ mode: 'away' });
    const result = await kit.ingest.ingest({ ...person, zones: ['porch'] }, { actor: 'api' });
    assert.equal(result.status, 'created');
    assert.equal(result.type, 'intrusion', 'a person is an intrusion (seed 001)');
    assert.equal(
      result.severity,
      'high',
      'confident, in a zone, while away (critical is for blacklisted faces)',
    );
    const row = kit.db.prepare('SELECT * FROM events WHERE id = ?').get(result.id) as Record<string, unknown>;
    assert.equal(row.state, 'persisted');
    assert.equal(row.incident_id, result.incident_id);
    const audit = kit.db
      .prepare("SELECT state FROM audit WHERE subject_kind = 'event' AND subject_id = ? ORDER BY id")
      .all(result.id);
    assert.deepEqual(
      audit.map((a) => (a as { state: string }).state),
      ['persisted'],
    );
    const incident = kit.db.prepare('SELECT * FROM incidents WHERE id = ?').get(result.incident_id) as Record<
      string,
      unknown
    >;
    assert.equal(incident.state, 'new');
    assert.equal(incident.event_count, 1);
    assert.equal(kit.persisted.length, 1);
  });

  test("an object's snapshot becomes its incident's, and its files belong to the incident", async () => {
    const kit = await ingestKit();
    const files = ['snapshots/2026-11-23/front-t1.jpg', 'snapshots/2026-11-23/front-t1-annotated.jpg'];
    for (const path of [...files, 'thumbnails/2026-11-23/front-t1.jpg'])
      kit.db
        .prepare(
          "INSERT INTO media (path, kind, camera, bytes, created_at) VALUES (?, 'snapshot', 'front', 10, 1)",
        )
        .run(path);
    const result = await kit.ingest.ingest(
      { ...person, object_id: 't1', data: { snapshot: files[0] } },
      { actor: 'pipeline' },
    );
    const incident = kit.db
      .prepare('SELECT snapshot_path FROM incidents WHERE id = ?')
      .get(result.incident_id);
    assert.deepEqual(incident, { snapshot_path: files[0] });
    const owners = kit.db.prepare('SELECT DISTINCT incident_id FROM media').pluck().all();
    assert.deepEqual(owners, [result.incident_id]);
    // A path that is not one Vigil writes is ignored, not linked.
    const other = await kit.ingest.ingest(
      { ...person, object_id: 't2', box: [0.6, 0.1, 0.8, 0.6], data: { snapshot: '../../etc/passwd' } },
      { actor: 'pipeline' },
    );
    const untouched = kit.db
      .prepare('SELECT snapshot_path FROM incidents WHERE id = ?')
      .get(other.incident_id);
    assert.deepEqual(untouched, { snapshot_path: null });
  });

  test('the same id sent concurrently is stored once and every caller gets the original result', async () => {
    const kit = await ingestKit();
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        kit.ingest.ingest({ ...person, id: 'pir-42', type: 'sensor', label: 'pir' }, { actor: 'api' }),
      ),
    );
    assert.equal(kit.count(), 1);
    assert.equal(results.filter((r) => r.status === 'created').length, 1);
    assert.ok(results.every((r) => r.id === 'pir-42'));
    assert.ok(results.filter((r) => r.status === 'duplicate').every((r) => r.duplicate_reason === 'id'));
    // And later, from the database.
    const later = await kit.ingest.ingest({ id: 'pir-42', type: 'sensor' }, { actor: 'api' });
    assert.equal(later.status, 'duplicate');
    assert.equal(kit.count(), 1);
  });

  test('an id stored but missing from the id filter (a writer that died before answering) is still a replay', async () => {
    const kit = await ingestKit();
    insertEvent(kit.db, { id: 'door-7', timestamp: kit.now() - 1000, type: 'sensor', severity: 'low' });
    const replay = await kit.ingest.ingest({ id: 'door-7', type: 'sensor', label: 'door' }, { actor: 'api' });
    assert.deepEqual(
      { status: replay.status, reason: replay.duplicate_reason, severity: replay.severity },
      { status: 'duplicate', reason: 'id', severity: 'low' },
    );
    assert.equal(kit.count(), 1);
    assert.equal(kit.persisted.length, 0, 'the replay is not routed again');
  });

  test('same-state repeats are folded (same fingerprint, overlapping box); a moved box is new', async () => {
    const kit = await ingestKit();
    const first = await kit.ingest.ingest(person, { actor: 'pipeline' });
    kit.advance(500);
    const same = await kit.ingest.ingest(person, { actor: 'pipeline' });
    assert.deepEqual([same.status, same.duplicate_reason, same.id], ['duplicate', 'fingerprint', first.id]);
    kit.advance(500);
    // Scores are measurements, not state: a nudged box with a new top score is the same sighting.
    const nudged = await kit.ingest.ingest(
      { ...person, box: [0.1, 0.1, 0.3, 0.61], data: { top_score: 0.93 } },
      { actor: 'pipeline' },
    );
    assert.equal(nudged.duplicate_reason, 'iou');
    kit.advance(200);
    const moved = await kit.ingest.ingest({ ...person, box: [0.6, 0.1, 0.8, 0.6] }, { actor: 'pipeline' });
    assert.equal(moved.status, 'created');
    assert.equal(moved.incident_id, first.incident_id, 'same camera and label: same incident');

    const motion = { type: 'motion', camera: 'front', data: { area: 120 } };
    await kit.ingest.ingest(motion, { actor: 'pipeline' });
    kit.advance(3000);
    const again = await kit.ingest.ingest({ ...motion, data: { area: 300 } }, { actor: 'pipeline' });
    assert.equal(again.duplicate_reason, 'fingerprint', 'a larger motion area is the same state');
    kit.advance(11_000);
    assert.equal(
      (await kit.ingest.ingest(motion, { actor: 'pipeline' })).status,
      'created',
      'after the window',
    );

    const row = kit.db.prepare('SELECT duplicates FROM events WHERE id = ?').get(first.id) as {
      duplicates: number;
    };
    assert.equal(row.duplicates, 2);
  });

  test('a sensor opening and closing within one second gives two events; only the repeat folds', async () => {
    const kit = await ingestKit();
    const door = { type: 'sensor', source: 'gpio:door', label: 'front-door' };
    const open = await kit.ingest.ingest({ ...door, data: { state: 'open' } }, { actor: 'api' });
    kit.advance(400);
    const closed = await kit.ingest.ingest({ ...door, data: { state: 'closed' } }, { actor: 'api' });
    kit.advance(300);
    const closedAgain = await kit.ingest.ingest({ ...door, data: { state: 'closed' } }, { actor: 'api' });
    kit.advance(200);
    const reopened = await kit.ingest.ingest({ ...door, data: { state: 'open' } }, { actor: 'api' });
    assert.deepEqual(
      [open.status, closed.status, closedAgain.status, reopened.status],
      ['created', 'created', 'duplicate', 'created'],
    );
    assert.equal(closedAgain.id, closed.id, 'the repeat is folded into the closing, not the opening');
    const states = kit.db
      .prepare(
        "SELECT json_extract(data, '$.state') AS state FROM events WHERE type = 'sensor' ORDER BY timestamp",
      )
      .pluck()
      .all();
    assert.deepEqual(states, ['open', 'closed', 'open']);
  });

  test('a face identity, a label or a zone set that changes is a new event, however close', async () => {
    const kit = await ingestKit();
    const face = {
      type: 'face_known',
      camera: 'front',
      label: 'person',
      object_id: 't1',
      box: [0.1, 0.1, 0.3, 0.6],
      zones: ['porch'],
      data: { face_name: 'alice', face_score: 0.8 },
    };
    const results = [
      await kit.ingest.ingest(face, { actor: 'pipeline' }),
      await kit.ingest.ingest(
        { ...face, data: { face_name: 'alice', face_score: 0.85 } },
        { actor: 'pipeline' },
      ),
      await kit.ingest.ingest(
        { ...face, data: { face_name: 'bob', face_score: 0.85 } },
        { actor: 'pipeline' },
      ),
      await kit.ingest.ingest(
        { ...face, zones: ['porch', 'drive'], data: { face_name: 'bob', face_score: 0.85 } },
        { actor: 'pipeline' },
      ),
      await kit.ingest.ingest(
        { ...face, zones: ['drive', 'porch'], data: { face_name: 'bob', face_score: 0.7 } },
        { actor: 'pipeline' },
      ),
    ];
    assert.deepEqual(
      results.map((r) => r.status),
      ['created', 'duplicate', 'created', 'created', 'duplicate'],
      'same name: a repeat; another name: new; another zone set: new; the same set in another order: a repeat',
    );
    const door = { type: 'sensor', source: 'api', label: 'door', data: { state: 'open' } };
    await kit.ingest.ingest(door, { actor: 'api' });
    const other = await kit.ingest.ingest({ ...door, label: 'window' }, { actor: 'api' });
    assert.equal(other.status, 'created', 'another label is another thing');
  });

  test('a folded repeat keeps its id: it resolves to the event it was folded into, and replays', async () => {
    const kit = await ingestKit();
    const door = { type: 'sensor', source: 'api', label: 'door', data: { state: 'open' } };
    const first = await kit.ingest.ingest({ ...door, id: 'door-1' }, { actor: 'api' });
    const repeat = await kit.ingest.ingest({ ...door, id: 'door-2' }, { actor: 'api' });
    assert.deepEqual(
      [repeat.status, repeat.id, repeat.folded_id, repeat.duplicate_reason],
      ['duplicate', first.id, 'door-2', 'fingerprint'],
    );
    const fold = kit.db.prepare('SELECT event_id, reason FROM event_folds WHERE id = ?').get('door-2');
    assert.deepEqual({ ...(fold as object) }, { event_id: 'door-1', reason: 'fingerprint' });
    // Without an id of its own, a repeat gets one made for it, kept the same way.
    const unnamed = await kit.ingest.ingest(door, { actor: 'api' });
    assert.equal(unnamed.status, 'duplicate');
    assert.ok(unnamed.folded_id && unnamed.folded_id !== first.id);
    assert.equal(kit.count('SELECT count(*) AS n FROM event_folds'), 2);

    // A replay of the folded id answers as before and stores nothing.
    const replay = await kit.ingest.ingest(
      { ...door, id: 'door-2', data: { state: 'closed' } },
      { actor: 'api' },
    );
    assert.deepEqual(
      [replay.status, replay.id, replay.folded_id, replay.duplicate_reason],
      ['duplicate', 'door-1', 'door-2', 'id'],
    );
    assert.equal(kit.count(), 1);
    assert.equal(kit.count('SELECT count(*) AS n FROM event_folds'), 2);

    const queries = new EventQueries({ db: kit.db, timeZone: 'UTC' });
    const resolved = queries.getEvent('door-2');
    assert.equal(resolved?.id, 'door-1');
    assert.equal(resolved?.folded_into, 'door-1');
    assert.equal(resolved?.folded_id, 'door-2');
    assert.equal(queries.getEvent('door-1')?.folded_into, undefined);

    // The fold goes with its event.
    kit.db.prepare("DELETE FROM events WHERE id = 'door-1'").run();
    assert.equal(kit.count('SELECT count(*) AS n FROM event_folds'), 0);
  });

  test('severity follows the alarm mode', async () => {
    const kit = await ingestKit({ mode: 'disarmed' });
    const calm = await kit.ingest.ingest({ ...person, camera: 'a' }, { actor: 'api' });
    kit.setMode('away');
    const armed = await kit.ingest.ingest({ ...person, camera: 'b' }, { actor: 'api' });
    assert.equal(calm.severity, 'low');
    assert.equal(armed.severity, 'high');
    const blacklisted = await kit.ingest.ingest(
      { type: 'face_blacklisted', camera: 'a', data: { face_name: 'x' } },
      { actor: 'api' },
    );
    assert.equal(blacklisted.severity, 'critical');
    const tamper = await kit.ingest.ingest(
      { type: 'sensor', label: 'case', data: { tamper: true } },
      { actor: 'gpio' },
    );
    assert.equal(tamper.severity, 'high');
  });

  test('a person staying in a zone past its loitering time becomes loitering, once', async () => {
    const kit = await ingestKit({ loitering: 20 });
    const at = { ...person, zones: ['porch'], object_id: 'track-1' };
    await kit.ingest.ingest(at, { actor: 'pipeline' });
    kit.advance(10_000);
    assert.equal(
      (await kit.ingest.ingest({ ...at, box: [0.5, 0.1, 0.7, 0.6] }, { actor: 'pipeline' })).type,
      'intrusion',
    );
    kit.advance(11_000);
    const loitering = await kit.ingest.ingest({ ...at, box: [0.2, 0.2, 0.4, 0.7] }, { actor: 'pipeline' });
    assert.equal(loitering.type, 'loitering');
    kit.advance(3000);
    assert.equal(
      (await kit.ingest.ingest({ ...at, box: [0.6, 0.2, 0.8, 0.7] }, { actor: 'pipeline' })).type,
      'intrusion',
    );
  });

  test('invalid events name the field, are counted, and store nothing', async () => {
    const kit = await ingestKit();
    const cases: Array<[unknown, string]> = [
      [{ type: 'explosion' }, 'type'],
      [{ type: 'motion', confidence: 2 }, 'confidence'],
      [{ type: 'motion', box: [0.5, 0.5, 0.1, 0.1] }, 'box'],
      [{ type: 'motion', colour: 'red' }, 'colour'],
      [{ type: 'motion', timestamp: 'yesterday-ish' }, 'timestamp'],
      [{ type: 'motion', zones: ['ok', 'not ok'] }, 'zones.1'],
      [{ type: 'motion', data: { blob: 'x'.repeat(20_000) } }, 'data'],
      [{ type: 'motion', data: { text: '\u00e9'.repeat(9_000) } }, 'data'],
      [{ type: 'motion', zones: ['porch', 'yard', 'porch'] }, 'zones'],
      [{ type: 'motion', label: 'door\ud800' }, 'label'],
      [{ type: 'motion', data: { nested: { 'k\udc00': 1 } } }, 'data.nested.k\udc00'],
      [[1, 2], 'body'],
    ];
    for (const [body, field] of cases) {
      await assert.rejects(kit.ingest.ingest(body, { actor: 'api' }), (err: unknown) => {
        assert.ok(
          err instanceof EventValidationError,
          `${JSON.stringify(body).slice(0, 60)}: ${String(err)}`,
        );
        assert.equal(err.field, field);
        return true;
      });
    }
    assert.equal(kit.count(), 0);
    const rejected = (await kit.metrics.snapshot()).counters.vigil_events_rejected_total ?? [];
    assert.equal(
      rejected.reduce((sum, r) => sum + r.value, 0),
      cases.length,
    );
  });
});

describe('replay', () => {
  test('rebuilding incidents from the event log and audit trail reproduces their state', async () => {
    const { rebuildIncidents } = await import('../../../runtime/events/replay');
    const kit = await ingestKit({ mode: 'away', loitering: 5 });
    const cameras = ['front', 'back', 'garage'];
    for (let i = 0; i < 60; i++) {
      const camera = cameras[i % 3] as string;
      await kit.ingest.ingest(
        {
          type: i % 7 === 0 ? 'motion' : 'object_detected',
          camera,
          label: i % 5 === 0 ? 'car' : 'person',
          object_id: `t${i % 4}`,
          zones: i % 2 ? ['porch'] : ['drive', 'porch'],
          confidence: 0.5 + (i % 5) / 10,
          box: [((i * 7) % 50) / 100, 0.1, ((i * 7) % 50) / 100 + 0.2, 0.5],
        },
        { actor: 'pipeline' },
      );
      kit.advance(i % 10 === 9 ? 40_000 : 1500);
    }
    await kit.ingest.maintainIncidents(kit.now() - 20_000);
    // An operator acknowledged one open incident (what the incident API does).
    const open = kit.db.prepare('SELECT id FROM incidents WHERE ended_at IS NULL LIMIT 1').get() as {
      id: string;
    };
    kit.db
      .prepare(
        "INSERT INTO audit (subject_kind, subject_id, state, at, actor) VALUES ('incident', ?, 'acknowledged', 5, 'test')",
      )
      .run(open.id);
    kit.db
      .prepare("UPDATE incidents SET acknowledged_at = 5, state = 'acknowledged' WHERE id = ?")
      .run(open.id);

    await kit.ingest.maintainIncidents(kit.now());
    const snapshot = () => kit.db.prepare('SELECT * FROM incidents ORDER BY id').all();
    const before = snapshot();
    assert.ok(before.length >= 6, `only ${before.length} incidents`);
    kit.db.exec("UPDATE incidents SET event_count = 0, severity = 'info', zones = '[]', last_seen_at = 0");
    assert.equal(rebuildIncidents(kit.db), before.length);
    assert.deepEqual(snapshot(), before);
  });
});

describe('incident sweep', () => {
  test("a busy incident's count is written at most every 10 s, what the page shows at once, everything at stop", async () => {
    const kit = await ingestKit({ mode: 'away' });
    const count = (id: string) =>
      (kit.db.prepare('SELECT event_count FROM incidents WHERE id = ?').get(id) as { event_count: number })
        .event_count;
    const sighting = (n: number, zones: string[] = []) =>
      kit.ingest.ingest(
        { ...person, object_id: 't1', zones, box: [0.05 + (n % 2) * 0.5, 0.1, 0.25 + (n % 2) * 0.5, 0.6] },
        { actor: 'pipeline' },
      );
    const first = await sighting(0);
    const incident = first.incident_id as string;
    await kit.ingest.maintainIncidents(kit.now());
    kit.advance(2000);
    assert.equal((await sighting(1)).incident_id, incident);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(count(incident), 2, 'new → active is written at once');
    kit.advance(2000);
    await sighting(2);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(count(incident), 2, 'the count alone waits');
    kit.advance(9000);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(count(incident), 3, 'written 10 s after the last write');
    kit.advance(1000);
    await sighting(3, ['porch']);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(count(incident), 4, 'a new zone is written at once');
    kit.advance(1000);
    await sighting(4, ['porch']);
    await kit.ingest.maintainIncidents(kit.now());
    assert.equal(count(incident), 4);
    await kit.ingest.maintainIncidents(kit.now(), true);
    assert.equal(count(incident), 5, 'at stop every change is written');
  });
});
