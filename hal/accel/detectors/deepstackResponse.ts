import { clampBox } from '../../../models/decoders/clampBox';
import type { Detection } from '../../../models/types';

/**
 * Reads a DeepStack / CodeProject.AI detection response:
 * `{ success, predictions: [{ label, confidence, x_min, y_min, x_max, y_max }] }` with boxes in
 * pixels of the posted image. Returns detections with boxes as fractions of that image; throws
 * naming the offending field when the body does not have that shape.
 */
export function parseDeepstackResponse(body: unknown, width: number, height: number): Detection[] {
  if (typeof body !== 'object' || body === null) throw new Error('response is not a JSON object');
  const { success, predictions, error } = body as Record<string, unknown>;
  if (success === false) {
    throw new Error(
      `the server reported failure: ${typeof error === 'string' ? error : JSON.stringify(body)}`,
    );
  }
  if (predictions === undefined) return [];
  if (!Array.isArray(predictions)) throw new Error('response field predictions is not an array');
  const detections: Detection[] = [];
  predictions.forEach((prediction: unknown, index) => {
    const p = (prediction ?? {}) as Record<string, unknown>;
    const number = (field: string) => {
      const value = p[field];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(`response field predictions[${index}].${field} is not a number`);
      }
      return value;
    };
    if (typeof p.label !== 'string' || p.label === '') {
      throw new Error(`response field predictions[${index}].label is not a string`);
    }
    const score = number('confidence');
    const box = clampBox([
      number('x_min') / width,
      number('y_min') / height,
      number('x_max') / width,
      number('y_max') / height,
    ]);
    if (box) detections.push({ label: p.label, score: Math.min(1, Math.max(0, score)), box });
  });
  return detections;
}
