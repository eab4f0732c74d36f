import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iou as intersectionOverUnion } from '../../base/geometry';
import { nonMaxSuppression } from '../../base/nonMaxSuppression';
import { decodeCenternet } from '../../models/decoders/centernet';
import { decodeYolo, yoloLayout } from '../../models/decoders/yolo';
import type { Detection, TensorData } from '../../models/types';

const LABELS = ['person', 'bicycle', 'car'];
const rounded = (detections: Detection[]) =>
  detections.map((d) => ({
    ...d,
    score: Number(d.score.toFixed(4)),
    box: d.box.map((v) => Number(v.toFixed(4))),
  }));

describe('decodeCenternet', () => {
  const manifest = { id: 'centernet', inputSize: 512, labels: LABELS };
  const rows = [
    [128, 64, 256, 448, 0.9, 0],
    [0, 0, 600, 100, 0.5, 2], // runs past the input: clamped
    [10, 10, 20, 20, 0.1, 1], // below min score
    [10, 10, 20, 20, 0.8, 7], // class outside the label set
    [10, 10, 20, 20, 0.8, Number.NaN], // padding row
    [30, 30, 30, 40, 0.8, 1], // zero width
  ];
  const outputs: TensorData[] = [
    { data: new Float32Array(1 * 2 * 2 * 4), shape: [1, 2, 2, 4] },
    { data: Float32Array.from(rows.flat()), shape: [1, rows.length, 6] },
  ];

  it('reads the [1, N, 6] output: pixel boxes to fractions, score and class filters', () => {
    assert.deepEqual(rounded(decodeCenternet(outputs, manifest, 0.3)), [
      { label: 'person', score: 0.9, box: [0.25, 0.125, 0.5, 0.875] },
      { label: 'car', score: 0.5, box: [0, 0, 1, 0.1953] },
    ]);
  });

  it('names the shapes it got when the detections output is missing', () => {
    assert.throws(
      () => decodeCenternet([outputs[0] as TensorData], manifest, 0.3),
      /no \[1, N, 6\] detections output among \[1,2,2,4\]/,
    );
  });
});

describe('decodeYolo', () => {
  // Two anchors, three classes: a person at (32, 16) 16×8 and a car at (8, 8) 4×4, input 64.
  const v5Rows = [
    [32, 16, 16, 8, 0.9, 0.8, 0.1, 0.1],
    [8, 8, 4, 4, 0.5, 0.1, 0.1, 0.9],
    [40, 40, 8, 8, 0.2, 0.9, 0, 0], // objectness × class = 0.18: dropped
  ];

  it('decodes YOLOv5 [1, N, 5+C] with objectness × best class score', () => {
    const output = { data: Float32Array.from(v5Rows.flat()), shape: [1, 3, 8] };
    assert.deepEqual(rounded(decodeYolo(output, { labels: LABELS, inputSize: 64, minScore: 0.3 })), [
      { label: 'person', score: 0.72, box: [0.375, 0.1875, 0.625, 0.3125] },
      { label: 'car', score: 0.45, box: [0.0938, 0.0938, 0.1563, 0.1563] },
    ]);
  });

  it('decodes YOLOv8 [1, 4+C, N] (attribute-major, no objectness) and a non-square input', () => {
    const anchors = [
      [32, 16, 16, 8, 0.8, 0.1, 0.1],
      [8, 8, 4, 4, 0.1, 0.1, 0.9],
    ];
    // Transpose to attribute-major.
    const data = Float32Array.from(Array.from({ length: 7 }, (_, k) => anchors.map((a) => a[k] ?? 0)).flat());
    const output = { data, shape: [1, 7, 2] };
    assert.deepEqual(
      rounded(decodeYolo(output, { labels: LABELS, inputSize: { width: 64, height: 32 }, minScore: 0.3 })),
      [
        { label: 'person', score: 0.8, box: [0.375, 0.375, 0.625, 0.625] },
        { label: 'car', score: 0.9, box: [0.0938, 0.1875, 0.1563, 0.3125] },
      ],
    );
  });

  it('names classes beyond the label list class_<n>', () => {
    const output = { data: Float32Array.of(32, 32, 8, 8, 1, 0, 0, 0, 0.7), shape: [1, 1, 9] };
    assert.equal(decodeYolo(output, { labels: LABELS, inputSize: 64, minScore: 0.3 })[0]?.label, 'class_3');
  });

  it('tells the layout by class count, else by the shorter axis', () => {
    assert.equal(yoloLayout([1, 25200, 85], 80), 'v5');
    assert.equal(yoloLayout([1, 84, 8400], 80), 'v8');
    assert.equal(yoloLayout([1, 7, 4], 3), 'v8'); // fewer anchors than attributes: the count decides
    assert.equal(yoloLayout([1, 4, 8], 3), 'v5');
    assert.equal(yoloLayout([1, 6, 8400]), 'v8');
    assert.throws(() => yoloLayout([84, 8400]), /shape \[1, N, 5\+C\] or \[1, 4\+C, N\], got \[84, 8400\]/);
  });
});

describe('nonMaxSuppression', () => {
  const person = (score: number, x: number): Detection => ({
    label: 'person',
    score,
    box: [x, 0, x + 0.2, 0.5],
  });

  it('keeps the best of overlapping same-label boxes, best first', () => {
    const kept = nonMaxSuppression([person(0.6, 0.01), person(0.9, 0), person(0.7, 0.5)], 0.5);
    assert.deepEqual(
      kept.map((d) => d.score),
      [0.9, 0.7],
    );
  });

  it('never suppresses across labels', () => {
    const bicycle: Detection = { label: 'bicycle', score: 0.5, box: [0, 0, 0.2, 0.5] };
    assert.equal(nonMaxSuppression([person(0.9, 0), bicycle], 0.1).length, 2);
  });

  it('computes IoU', () => {
    assert.equal(intersectionOverUnion([0, 0, 1, 1], [0, 0, 1, 1]), 1);
    assert.equal(intersectionOverUnion([0, 0, 0.5, 1], [0.5, 0, 1, 1]), 0);
    assert.ok(Math.abs(intersectionOverUnion([0, 0, 0.5, 0.5], [0.25, 0.25, 0.75, 0.75]) - 1 / 7) < 1e-9);
  });
});
