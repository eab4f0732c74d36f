import type { Detection, TensorData } from '../types';
import { clampBox } from './clampBox';

/** How a YOLO output tensor is laid out. */
export type YoloLayout =
  /** YOLOv5/v7: [1, N, 5 + C], rows of cx, cy, w, h, objectness, C class scores. */
  | 'v5'
  /** YOLOv8/v11: [1, 4 + C, N], attribute-major: cx, cy, w, h, C class scores; no objectness. */
  | 'v8';

export interface YoloDecodeOptions {
  /** Class names in output order; classes beyond the list are named `class_<index>`. */
  labels: readonly string[];
  /** Model input size in pixels: a square side, or width and height. Boxes come out in these units. */
  inputSize: number | { width: number; height: number };
  minScore: number;
}

/**
 * Tells the layout of a YOLO output from its shape. The class count, when it matches the labels,
 * decides; then an axis too short to hold attributes; otherwise the shorter axis is the attribute
 * axis (v8 [1, 84, 8400], v5 [1, 25200, 85]).
 */
export function yoloLayout(shape: readonly number[], classCount?: number): YoloLayout {
  const [batch, a, b] = shape;
  if (shape.length !== 3 || batch !== 1 || a === undefined || b === undefined) {
    throw new Error(`YOLO output must have shape [1, N, 5+C] or [1, 4+C, N], got [${shape.join(', ')}]`);
  }
  if (classCount !== undefined) {
    const v5 = b === classCount + 5;
    const v8 = a === classCount + 4;
    if (v5 !== v8) return v5 ? 'v5' : 'v8';
  }
  // v8 needs 4 box values + at least one class on the attribute axis; v5 needs 5 + one.
  if (a < 5) return 'v5';
  if (b < 6) return 'v8';
  return a < b ? 'v8' : 'v5';
}

/**
 * Decodes a YOLOv5-style ([1, N, 5+C], score = objectness × best class) or YOLOv8-style
 * ([1, 4+C, N], score = best class) output with center/size boxes in input pixels. Returns
 * detections scoring at least `minScore`, boxes as fractions (0..1) of the model input, without NMS.
 */
export function decodeYolo(output: TensorData, options: YoloDecodeOptions): Detection[] {
  const layout = yoloLayout(output.shape, options.labels.length);
  const { width, height } =
    typeof options.inputSize === 'number'
      ? { width: options.inputSize, height: options.inputSize }
      : options.inputSize;
  const [, a = 0, b = 0] = output.shape;
  const anchors = layout === 'v5' ? a : b;
  const classCount = layout === 'v5' ? b - 5 : a - 4;
  if (classCount < 1) throw new Error(`YOLO output [${output.shape.join(', ')}] has no class scores`);
  // Offset of attribute `k` of anchor `i` in the flat data, for either layout.
  const at =
    layout === 'v5' ? (i: number, k: number) => i * b + k : (i: number, k: number) => k * anchors + i;
  const firstClass = layout === 'v5' ? 5 : 4;
  const data = output.data;
  const found: Detection[] = [];
  for (let i = 0; i < anchors; i++) {
    const objectness = layout === 'v5' ? (data[at(i, 4)] ?? 0) : 1;
    if (!(objectness >= options.minScore)) continue;
    let bestClass = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classCount; c++) {
      const classScore = data[at(i, firstClass + c)] ?? 0;
      if (classScore > bestScore) {
        bestScore = classScore;
        bestClass = c;
      }
    }
    const score = objectness * bestScore;
    if (!(score >= options.minScore)) continue;
    const cx = data[at(i, 0)] ?? 0;
    const cy = data[at(i, 1)] ?? 0;
    const halfW = (data[at(i, 2)] ?? 0) / 2;
    const halfH = (data[at(i, 3)] ?? 0) / 2;
    const box = clampBox([
      (cx - halfW) / width,
      (cy - halfH) / height,
      (cx + halfW) / width,
      (cy + halfH) / height,
    ]);
    if (!box) continue;
    found.push({ label: options.labels[bestClass] ?? `class_${bestClass}`, score: Math.min(1, score), box });
  }
  return found;
}
