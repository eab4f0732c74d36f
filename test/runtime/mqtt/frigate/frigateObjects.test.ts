import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import { FrigateObjects } from '../../../../runtime/mqtt/frigate/frigateObjects';
import type { Decision } from '../../../../runtime/rules/decision';

const CAMERA = { width: 1280, height: 720, fps: 5, record: false };

function tracked(
  id: string,
  phase: string,
  timestamp: number,
  data: Record<string, unknown> = {},
): VigilEvent {
  return {
    id: `ev-${id}-${timestamp}`,
    type: 'intrusion',
    timestamp,
    receivedAt: timestamp,
    source: 'pipeline',
    camera: 'yard',
    zones: [],
    label: 'car',
    objectId: id,
    confidence: 0.7,
    box: [0, 0, 0.5, 0.5],
    data: { phase, start_time: timestamp, stationary: false, ...data },
    correlationId: 'c',
    parentId: null,
    severity: 'low',
    fingerprint: 'f',
    incidentId: null,
  };
}

const DECISION: Decision = {
  allowed: true,
  severity: 'low',
  routes: ['web'],
  tags: [],
  set: {},
  matched: [],
};

describe('Frigate tracked objects from Vigil events', () => {
  it('follows the phase and the object id, whatever type classification gave the event', () => {
    const objects = new FrigateObjects((camera) => (camera === 'yard' ? CAMERA : undefined));
    const created = objects.object(tracked('a', 'new', 1_700_000_000_000), DECISION, false);
    assert.equal(created?.type, 'new');
    assert.deepEqual(created?.after.box, [0, 0, 640, 360]);
    assert.deepEqual(created?.after.region, [0, 0, 720, 720], 'a square region inside the frame');
    assert.equal(created?.after.max_severity, 'detection');
    assert.equal(created?.after.has_clip, false, 'recording is off');
    assert.equal(objects.object(tracked('b', 'new', 1_700_000_000_000), DECISION, false)?.type, 'new');
    assert.equal(objects.size, 2);
    assert.equal(
      objects.object({ ...tracked('c', 'new', 1), camera: 'elsewhere' }, DECISION, false),
      null,
      'unknown camera',
    );
    assert.equal(objects.object({ ...tracked('d', 'new', 1), data: {} }, DECISION, false), null, 'no phase');
  });

  it('counts how long a stationary object has not moved, in detect frames', () => {
    const objects = new FrigateObjects(() => CAMERA);
    const t = 1_700_000_000_000;
    objects.object(tracked('a', 'new', t), DECISION, false);
    objects.object(tracked('a', 'update', t + 1000, { stationary: true }), DECISION, false);
    const still = objects.object(tracked('a', 'update', t + 11_000, { stationary: true }), DECISION, false);
    assert.equal(still?.after.motionless_count, 50, '10 s at 5 fps');
    assert.equal(still?.after.position_changes, 1);
    const moving = objects.object(tracked('a', 'update', t + 12_000), DECISION, false);
    assert.equal(moving?.after.motionless_count, 0);
    assert.equal(moving?.after.position_changes, 2);
  });

  it('forgets objects whose end never came, and keeps a bounded number', () => {
    const objects = new FrigateObjects(() => CAMERA);
    const t = 1_700_000_000_000;
    objects.object(tracked('old', 'new', t), DECISION, false);
    objects.object(tracked('recent', 'new', t + 50 * 60_000), DECISION, false);
    objects.prune(t + 61 * 60_000, 60 * 60_000);
    assert.equal(objects.tracks('yard', 'old'), false);
    assert.equal(objects.tracks('yard', 'recent'), true);

    for (let n = 0; n < 1100; n += 1) objects.object(tracked(`o${n}`, 'new', t + n), DECISION, false);
    assert.equal(objects.size, 1000);
    assert.equal(objects.tracks('yard', 'o1099'), true);
    assert.equal(objects.tracks('yard', 'recent'), false, 'the least recently updated went first');
  });

  it('reports a face on an object it does not track without an events message', () => {
    const objects = new FrigateObjects(() => CAMERA);
    const face = objects.face({
      ...tracked('p', 'new', 1_700_000_000_000),
      type: 'face_blacklisted',
      data: { face_name: 'mallory', face_list: 'blacklist', face_score: 0.91 },
    });
    assert.deepEqual(face?.update, {
      type: 'face',
      name: 'mallory',
      score: 0.91,
      id: 'p',
      camera: 'yard',
      timestamp: 1_700_000_000,
    });
    assert.equal(face?.message, null);
  });
});
