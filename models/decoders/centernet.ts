import type { ModelManifest } from '../registry';
import type { Detection, TensorData } from '../types';
import { clampBox } from './clampBox';

/**
 * Decodes CenterNet (the COCO detector shipped in @vladmandic/human). Of its outputs only the
 * `[1, N, 6]` detections tensor is used: rows of [x1, y1, x2, y2, score, classIndex] in input
 * pixels (0..inputSize). Returns detections scoring at least `minScore`, boxes as fractions
 * (0..1) of the model input; NMS is left to the caller.
 */
export function decodeCenternet(
  outputs: readonly TensorData[],
  manifest: Pick<ModelManifest, 'id' | 'inputSize' | 'labels'>,
  minScore: number,
): Detection[] {
  const detections = outputs.find((o) => o.shape.length === 3 && o.shape[2] === 6);
  if (!detections) {
    const shapes = outputs.map((o) => `[${o.shape.join(',')}]`).join(' ');
    throw new Error(`model '${manifest.id}': no [1, N, 6] detections output among ${shapes || 'no outputs'}`);
  }
  const labels = manifest.labels ?? [];
  const size = manifest.inputSize;
  const rows = detections.shape[1] ?? 0;
  const data = detections.data;
  const found: Detection[] = [];
  for (let row = 0; row < rows; row++) {
    const at = row * 6;
    const score = data[at + 4] ?? Number.NaN;
    const classIndex = data[at + 5] ?? Number.NaN;
    if (!(score >= minScore) || !Number.isInteger(classIndex)) continue;
    const label = labels[classIndex];
    if (label === undefined) continue;
    const box = clampBox([
      (data[at] ?? 0) / size,
      (data[at + 1] ?? 0) / size,
      (data[at + 2] ?? 0) / size,
      (data[at + 3] ?? 0) / size,
    ]);
    if (box) found.push({ label, score: Math.min(1, score), box });
  }
  return found;
}
