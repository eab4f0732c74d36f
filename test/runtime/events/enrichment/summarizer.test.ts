import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../../../../runtime/domain/eventModel';
import type { FaceIdentity } from '../../../../runtime/events/enrichment/builtins/faceIdentity';
import { summarizeEvent } from '../../../../runtime/events/enrichment/builtins/summarizer';
import { makeEvent } from './enrichmentTestKit';

const unknownFace: FaceIdentity = { name: null, list: 'unknown', source: 'gallery' };

function summary(
  overrides: Partial<VigilEvent>,
  face: FaceIdentity | null = null,
  cameraName: string | null = 'Front',
) {
  return summarizeEvent(makeEvent(overrides), { cameraName, face });
}

describe('local event summary', () => {
  it('describes detections with count, zones, camera and face', () => {
    assert.equal(
      summary({ zones: ['porch'] }, unknownFace),
      '1 person in zone porch at Front, face: unknown',
    );
    assert.equal(
      summary({ label: 'car', data: { count: 2 }, zones: ['drive', 'street'] }),
      '2 cars in zones drive, street at Front',
    );
    assert.equal(summary({ label: 'person', data: { count: 3 } }), '3 people at Front');
    assert.equal(summary({ label: 'bus', data: { count: 2 } }), '2 buses at Front');
    assert.equal(summary({ label: null }), '1 object at Front');
    assert.equal(
      summary(
        { type: 'intrusion', zones: ['yard'] },
        { name: 'Mallory', list: 'blacklist', source: 'event' },
      ),
      'Intrusion: 1 person in zone yard at Front, face: Mallory (blacklisted)',
    );
    assert.equal(
      summary({ type: 'loitering', zones: ['porch'], data: { duration_seconds: 44.6 } }),
      '1 person loitering in zone porch at Front for 45 s',
    );
    assert.equal(
      summary({ type: 'suspicious_activity', label: 'car' }),
      'Suspicious activity: 1 car at Front',
    );
    assert.equal(
      summary({ type: 'abandoned_object', label: 'backpack', zones: ['lobby'] }),
      'Abandoned object: backpack in zone lobby at Front',
    );
    assert.equal(summary({ type: 'motion', label: null }), 'Motion at Front');
  });

  it('describes face events by the gallery verdict, else by the event type', () => {
    assert.equal(summary({ type: 'face_known', data: { face_name: 'Alice' } }), 'Known face: Alice at Front');
    assert.equal(summary({ type: 'face_unknown', zones: ['door'] }), 'Unknown face in zone door at Front');
    assert.equal(summary({ type: 'face_blacklisted' }), 'Blacklisted face: unnamed at Front');
    assert.equal(
      summary(
        { type: 'face_unknown' },
        { name: 'Mallory', list: 'blacklist', distance: 0.2, source: 'gallery' },
      ),
      'Blacklisted face: Mallory at Front',
    );
  });

  it('describes sensors by kind and state', () => {
    const sensor = (data: Record<string, unknown>, source = 'api', label: string | null = 'front-door') =>
      summary({ type: 'sensor', camera: null, label, source, data }, null, null);
    assert.equal(sensor({ kind: 'door', state: 'open' }), "Door sensor 'front-door' opened");
    assert.equal(sensor({ kind: 'door', state: false }), "Door sensor 'front-door' closed");
    assert.equal(sensor({}, 'gpio:pir', 'hall'), "Motion sensor 'hall' triggered");
    assert.equal(
      sensor({ sensor_type: 'tamper', state: 'clear' }, 'api', 'box'),
      "Tamper sensor 'box' cleared",
    );
    assert.equal(
      sensor({ kind: 'smoke', state: 'low battery' }, 'api', 'kitchen'),
      "Smoke sensor 'kitchen' reported 'low battery'",
    );
    assert.equal(sensor({}, 'gpio:door', null), "Door sensor 'gpio:door' opened");
  });

  it('describes camera and system events', () => {
    assert.equal(
      summary({ type: 'camera_offline', data: { reason: 'Connection refused' } }),
      'Camera Front went offline (Connection refused)',
    );
    assert.equal(summary({ type: 'camera_online' }), 'Camera Front came back online');
    assert.equal(
      summary({ type: 'system', camera: null, data: { message: 'disk 91% full' } }, null, null),
      'System: disk 91% full',
    );
    assert.equal(
      summary({ type: 'system', camera: null, source: 'watchdog' }, null, null),
      'System event from watchdog',
    );
  });

  it('keeps producer text on one line and bounded', () => {
    const text = summary({ type: 'system', data: { message: `line one\nline two\u0000${'x'.repeat(500)}` } });
    assert.ok(!/\p{Cc}/u.test(text), 'no control characters');
    assert.ok(text.startsWith('System: line one line two'));
    assert.ok(text.length <= 'System: '.length + 200);
  });
});
