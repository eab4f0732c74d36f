import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectsConfig } from '../../../../runtime/config/schema/camera';
import { filterDetections, labelFilter } from '../../../../runtime/pipeline/tracking/index';
import { detection, FRAME } from './trackingKit';

const objects: ObjectsConfig = {
  track: ['person', 'car', 'dog'],
  required_zones: [],
  filters: {
    person: { min_score: 0.6, threshold: 0.7, min_area: 1000, max_area: 50_000 },
    car: { min_score: 0.4, threshold: 0.7, min_area: 0, max_area: 10_000_000 },
  },
};

describe('filterDetections', () => {
  it('keeps tracked labels only', () => {
    const kept = filterDetections(
      [
        detection('person', 0.1, 0.1, 0.1, 0.2),
        detection('cat', 0.5, 0.5, 0.2, 0.2),
        detection('car', 0, 0, 0.2, 0.2),
      ],
      objects,
      FRAME,
    );
    assert.deepEqual(
      kept.map((d) => d.label),
      ['person', 'car'],
    );
  });

  it('applies each label’s min_score, and the schema default (0.5) to a label without a filter', () => {
    const kept = filterDetections(
      [
        detection('person', 0.1, 0.1, 0.1, 0.2, 0.59),
        detection('person', 0.3, 0.1, 0.1, 0.2, 0.6),
        detection('car', 0.5, 0.5, 0.2, 0.2, 0.45),
        detection('dog', 0.7, 0.7, 0.1, 0.1, 0.49),
        detection('dog', 0.8, 0.7, 0.1, 0.1, 0.5),
      ],
      objects,
      FRAME,
    );
    assert.deepEqual(
      kept.map((d) => `${d.label} ${d.score}`),
      ['person 0.6', 'car 0.45', 'dog 0.5'],
    );
  });

  it('applies min_area and max_area in pixels at detect size', () => {
    // 640 × 360: a 0.05 × 0.05 box is 32 × 18 = 576 px; 0.1 × 0.1 is 2304 px; 0.4 × 0.6 is 55,296 px.
    const kept = filterDetections(
      [
        detection('person', 0.1, 0.1, 0.05, 0.05),
        detection('person', 0.3, 0.1, 0.1, 0.1),
        detection('person', 0.5, 0.1, 0.4, 0.6),
      ],
      objects,
      FRAME,
    );
    assert.deepEqual(
      kept.map((d) => d.box[0]),
      [0.3],
    );
  });

  it('gives the schema defaults for a label without its own filter', () => {
    assert.deepEqual(labelFilter(objects, 'dog'), {
      min_score: 0.5,
      threshold: 0.7,
      min_area: 0,
      max_area: 10_000_000,
    });
    assert.equal(labelFilter(objects, 'person').min_score, 0.6);
    assert.equal(labelFilter(objects, 'constructor').threshold, 0.7);
  });
});
