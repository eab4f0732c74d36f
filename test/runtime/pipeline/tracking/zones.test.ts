import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NormalizedBox } from '../../../../models/types';
import type { ZoneConfig } from '../../../../runtime/config/schema/zones';
import { anchorPoint, pointInPolygon, zonesOf } from '../../../../runtime/pipeline/tracking/index';

const zones: Record<string, ZoneConfig> = {
  // An L shape (concave): the bottom strip plus the left column.
  yard: {
    coordinates: [
      [0, 0],
      [0.3, 0],
      [0.3, 0.7],
      [1, 0.7],
      [1, 1],
      [0, 1],
    ],
    objects: [],
    loitering_seconds: 0,
  },
  driveway: {
    coordinates: [
      [0.5, 0.5],
      [1, 0.5],
      [1, 1],
      [0.5, 1],
    ],
    objects: ['car'],
    loitering_seconds: 0,
  },
};

describe('zones', () => {
  it('tests points against a concave polygon', () => {
    const yard = zones.yard?.coordinates ?? [];
    assert.equal(pointInPolygon(0.1, 0.1, yard), true);
    assert.equal(pointInPolygon(0.6, 0.3, yard), false); // in the notch of the L
    assert.equal(pointInPolygon(0.6, 0.8, yard), true);
    assert.equal(pointInPolygon(1.2, 0.8, yard), false);
  });

  it('places an object by its feet (bottom centre), not its middle', () => {
    assert.deepEqual(anchorPoint([0.5, 0.2, 0.7, 0.6]), [0.6, 0.6]);
    // Head and body in the notch, feet in the bottom strip: in the yard.
    assert.deepEqual(zonesOf([0.5, 0.2, 0.7, 0.75], zones, 'person'), ['yard']);
    // Body reaching into the strip but feet above it: not in the yard.
    assert.deepEqual(zonesOf([0.5, 0.5, 0.7, 0.65], zones, 'person'), []);
  });

  it('honours each zone’s objects list', () => {
    const box: NormalizedBox = [0.6, 0.6, 0.8, 0.9];
    assert.deepEqual(zonesOf(box, zones, 'person'), ['yard']);
    assert.deepEqual(zonesOf(box, zones, 'car'), ['yard', 'driveway']);
  });

  it('counts a box standing on the bottom edge of the frame as inside a zone drawn to that edge', () => {
    assert.deepEqual(zonesOf([0.6, 0.4, 0.9, 1], zones, 'car'), ['yard', 'driveway']);
    assert.deepEqual(zonesOf([0, 0.4, 0.02, 1], zones, 'person'), ['yard']);
  });
});
