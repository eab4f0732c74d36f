import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestError, type RequestErrorKind } from '../../../../base/requestError';
import { EventQueries } from '../../../../runtime/events/queries/eventQueries';
import { IncidentActions } from '../../../../runtime/events/queries/incidentActions';
import { countRows, freshStore, insertIncident } from './eventStoreFixture';

function setup() {
  const { db, writer } = freshStore();
  insertIncident(db, { id: 'inc', startedAt: 1000, endedAt: 2000 });
  let clock = 5000;
  const actions = new IncidentActions({ writer, now: () => clock++ });
  const queries = new EventQueries({ db, timeZone: 'UTC' });
  const audit = () =>
    db
      .prepare(
        "SELECT state, actor, reason, at FROM audit WHERE subject_kind = 'incident' AND subject_id = 'inc' ORDER BY id",
      )
      .all();
  return { db, actions, queries, audit };
}

async function rejectsWith(
  promise: Promise<unknown>,
  kind: RequestErrorKind,
  field: string | null,
): Promise<RequestError> {
  const err = await promise.then(
    () => assert.fail(`expected a ${kind} error, it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RequestError, String(err));
  assert.equal(err.kind, kind);
  assert.equal(err.field, field);
  return err;
}

describe('IncidentActions', () => {
  test('protect marks the incident for retention, audited once; unprotect undoes it', async () => {
    const { actions, queries, audit } = setup();
    assert.equal(queries.getIncident('inc')?.protected, false);
    const protectedView = await actions.setProtected('inc', true, { actor: 'api', note: 'evidence' });
    assert.equal(protectedView.protected, true);
    assert.equal(queries.getIncident('inc')?.protected, true, 'stored, not only returned');
    await actions.setProtected('inc', true, { actor: 'api' });
    await actions.setProtected('inc', false, { actor: 'mqtt' });
    assert.equal(queries.getIncident('inc')?.protected, false);
    assert.deepEqual(
      (audit() as Array<{ state: string; actor: string }>).map((r) => `${r.state}:${r.actor}`),
      ['protected:api', 'unprotected:mqtt'],
    );
    await rejectsWith(actions.setProtected('nope', true, { actor: 'api' }), 'not_found', 'id');
  });

  test('an incident shows its clip and snapshot only as URLs, and only once the clip is ready', () => {
    const { db, queries } = setup();
    const view = () => queries.getIncident('inc');
    assert.equal(view()?.has_clip, false);
    assert.equal(view()?.clip_url, null);
    assert.equal(view()?.has_snapshot, false);
    db.prepare(
      "UPDATE incidents SET clip_state = 'recording', clip_path = 'clips/2026-11-23/front-inc.mp4', snapshot_path = 'snapshots/2026-11-23/front-1.jpg' WHERE id = 'inc'",
    ).run();
    assert.equal(view()?.has_clip, false, 'not while recording');
    assert.equal(view()?.snapshot_url, '/api/v1/incidents/inc/snapshot.jpg');
    db.prepare(
      `UPDATE incidents SET clip_state = 'ready', clip_gaps = '[{"from":1,"to":2,"reason":"x"}]' WHERE id = 'inc'`,
    ).run();
    assert.equal(view()?.has_clip, true);
    assert.equal(view()?.clip_url, '/api/v1/incidents/inc/clip.mp4');
    assert.deepEqual(view()?.clip_gaps, [{ from: 1, to: 2, reason: 'x' }]);
    assert.equal('clip_path' in (view() ?? {}), false, 'file paths stay inside');
  });

  test('acknowledge sets the time, state and note, with one audit row; repeating adds none', async () => {
    const { actions, queries, audit } = setup();
    const acked = await actions.acknowledge('inc', { actor: 'api', note: 'seen it' });
    assert.equal(acked.acknowledged_at, 5000);
    assert.equal(acked.state, 'acknowledged');
    assert.equal(acked.status, 'acknowledged');
    assert.equal(acked.note, 'seen it');
    assert.deepEqual(queries.getIncident('inc')?.acknowledged_at, 5000, 'stored, not only returned');
    const again = await actions.acknowledge('inc', { actor: 'api' });
    assert.equal(again.acknowledged_at, 5000);
    assert.deepEqual(audit(), [{ state: 'acknowledged', actor: 'api', reason: 'seen it', at: 5000 }]);
  });

  test('resolve is idempotent: same result, one audit row', async () => {
    const { actions, queries, audit } = setup();
    await actions.acknowledge('inc', { actor: 'api' });
    const first = await actions.resolve('inc', { actor: 'mqtt', note: 'false alarm' });
    const second = await actions.resolve('inc', { actor: 'api', note: 'again' });
    assert.equal(first.resolved_at, 5001);
    assert.deepEqual(second, first);
    assert.equal(queries.getIncident('inc')?.status, 'resolved');
    assert.equal(queries.getIncident('inc')?.note, 'false alarm');
    assert.deepEqual(
      audit().map((a) => (a as { state: string }).state),
      ['acknowledged', 'resolved'],
    );
  });

  test('acknowledging a resolved incident is a 409 and changes nothing', async () => {
    const { db, actions, audit } = setup();
    await actions.resolve('inc', { actor: 'api' });
    const err = await rejectsWith(actions.acknowledge('inc', { actor: 'api' }), 'conflict', null);
    assert.match(err.message, /resolved/);
    assert.equal(audit().length, 1);
    assert.equal(countRows(db, 'incidents', 'acknowledged_at IS NOT NULL'), 0);
  });

  test('an unknown id is a 404 naming id; a long note a 400 naming note', async () => {
    const { db, actions } = setup();
    await rejectsWith(actions.acknowledge('ghost', { actor: 'api' }), 'not_found', 'id');
    await rejectsWith(actions.resolve('ghost', { actor: 'api' }), 'not_found', 'id');
    assert.throws(
      () => actions.resolve('inc', { actor: 'api', note: 'x'.repeat(1001) }),
      (err: unknown) => err instanceof RequestError && err.field === 'note',
    );
    assert.equal(countRows(db, 'audit'), 0);
  });
});
