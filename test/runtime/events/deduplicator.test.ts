import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventType } from '../../../runtime/domain/eventModel';
import { Deduplicator, type Sighting } from '../../../runtime/events/deduplicator';

const WINDOWS: Partial<Record<EventType, number>> = { sensor: 2_000, face_unknown: 30_000 };
const HORIZON_MS = 30_000;

function sighting(n: number, timestamp: number, type: EventType = 'sensor'): Sighting {
  return {
    key: `${type}\u0000\u0000soak-${n}\u0000\u0000soak`,
    id: `e${n}-${timestamp}`,
    type,
    at: timestamp,
    camera: null,
    label: `soak-${n}`,
    objectId: null,
    source: 'soak',
    box: null,
    fingerprint: 'open',
  };
}

function dedup(horizonMs?: number): Deduplicator {
  return new Deduplicator({
    enabled: true,
    windowMs: (type) => WINDOWS[type] ?? 0,
    iouThreshold: 0.85,
    maxEntries: 20_000,
    horizonMs,
  });
}

describe('Deduplicator memory', () => {
  test('distinct things at 10 a second: only the sightings within the longest window are kept', () => {
    const d = dedup(HORIZON_MS);
    // An hour of the soak's load: 36,000 distinct sensors, 100 ms apart.
    for (let n = 0; n < 36_000; n++) {
      d.remember(sighting(n, n * 100));
      assert.ok(d.size <= HORIZON_MS / 100 + 1, `after ${n + 1} sightings ${d.size} are remembered`);
    }
  });

  test('forgetting the old changes no verdict: a repeat within its window still folds', () => {
    const d = dedup(HORIZON_MS);
    d.remember(sighting(1, 0, 'face_unknown'));
    for (let n = 2; n < 400; n++) d.remember(sighting(n, n * 70));
    // 27.9 s later the face is still within its 30 s window; a sensor 2 s after its own too.
    assert.deepEqual(d.check(sighting(1, 27_900, 'face_unknown')), { of: 'e1-0', reason: 'fingerprint' });
    assert.equal(d.check(sighting(399, 399 * 70 + 1_500))?.of, `e399-${399 * 70}`);
    // Past the horizon the first face is gone, as it would match nothing anyway.
    d.remember(sighting(400, 31_000));
    assert.equal(d.check(sighting(1, 31_000, 'face_unknown')), null);
  });

  test('without a horizon only max_tracked bounds it', () => {
    const d = dedup();
    for (let n = 0; n < 5_000; n++) d.remember(sighting(n, n * 100));
    assert.equal(d.size, 5_000);
  });
});
