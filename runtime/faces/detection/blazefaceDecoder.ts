import type { TensorData } from '../../../models/types';

/** Values per anchor: score logit, box (cx, cy, w, h offsets) and 6 landmarks (x, y). */
const ROW = 17;
const KEYPOINTS = 6;

/** One anchor's decoded candidate, in pixels of the square model input. */
export interface BlazefaceCandidate {
  index: number;
  score: number;
  /** [x1, y1, x2, y2] in pixels of the model input. */
  box: [number, number, number, number];
  landmarks: Array<[number, number]>;
}

/**
 * Puts the model's outputs back into one [anchors, 17] table. This blazeface (human's, a PINTO
 * conversion) returns four tensors; human sorts them by size and concatenates
 * [scores384 | boxes384] after [scores512 | boxes512]. A single [1, anchors, 17] output is used as is.
 */
export function blazefaceRows(outputs: TensorData[]): Float32Array {
  if (outputs.length === 1 && outputs[0]) return outputs[0].data;
  if (outputs.length !== 4) throw new Error(`blazeface returned ${outputs.length} outputs, expected 4`);
  const sorted = [...outputs].sort((a, b) => a.data.length - b.data.length);
  const [scores384, scores512, boxes384, boxes512] = sorted as [
    TensorData,
    TensorData,
    TensorData,
    TensorData,
  ];
  const rows512 = scores512.data.length;
  const rows384 = scores384.data.length;
  const table = new Float32Array((rows512 + rows384) * ROW);
  const copy = (scores: Float32Array, boxes: Float32Array, rows: number, firstRow: number) => {
    for (let r = 0; r < rows; r++) {
      const at = (firstRow + r) * ROW;
      table[at] = scores[r] ?? 0;
      table.set(boxes.subarray(r * (ROW - 1), (r + 1) * (ROW - 1)), at + 1);
    }
  };
  copy(scores512.data, boxes512.data, rows512, 0);
  copy(scores384.data, boxes384.data, rows384, rows512);
  return table;
}

/**
 * Decodes every anchor whose sigmoid score exceeds `minScore` (human's `decodeBoxes`): centre =
 * offset + anchor, corners = centre ∓ size/2, landmarks = offset + anchor; all in input pixels.
 */
export function decodeBlazeface(
  rows: Float32Array,
  anchors: Float32Array,
  minScore: number,
): BlazefaceCandidate[] {
  const candidates: BlazefaceCandidate[] = [];
  const count = Math.min(rows.length / ROW, anchors.length / 2);
  for (let i = 0; i < count; i++) {
    const at = i * ROW;
    const score = sigmoid(rows[at] ?? Number.NEGATIVE_INFINITY);
    if (!(score > minScore)) continue;
    const anchorX = anchors[2 * i] ?? 0;
    const anchorY = anchors[2 * i + 1] ?? 0;
    const centerX = (rows[at + 1] ?? 0) + anchorX;
    const centerY = (rows[at + 2] ?? 0) + anchorY;
    const halfWidth = (rows[at + 3] ?? 0) / 2;
    const halfHeight = (rows[at + 4] ?? 0) / 2;
    const landmarks: Array<[number, number]> = [];
    for (let k = 0; k < KEYPOINTS; k++) {
      landmarks.push([(rows[at + 5 + 2 * k] ?? 0) + anchorX, (rows[at + 6 + 2 * k] ?? 0) + anchorY]);
    }
    candidates.push({
      index: i,
      score,
      box: [centerX - halfWidth, centerY - halfHeight, centerX + halfWidth, centerY + halfHeight],
      landmarks,
    });
  }
  return candidates;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
