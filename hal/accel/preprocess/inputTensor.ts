import type { Normalization } from '../../../models/registry';
import type { TensorData } from '../../../models/types';

/** Channel order of a model input: TensorFlow's [1, H, W, 3] or PyTorch/ONNX's [1, 3, H, W]. */
export type TensorLayout = 'nhwc' | 'nchw';

const SCALES: Record<Normalization, { scale: number; offset: number }> = {
  none: { scale: 1, offset: 0 },
  zero_to_one: { scale: 1 / 255, offset: 0 },
  minus_one_to_one: { scale: 2 / 255, offset: -1 },
};

/** Turns packed RGB pixels of width×height into a float input tensor in the given layout and value range. */
export function toInputTensor(
  pixels: Uint8Array,
  width: number,
  height: number,
  layout: TensorLayout,
  normalization: Normalization,
): TensorData {
  const { scale, offset } = SCALES[normalization];
  const count = width * height;
  const data = new Float32Array(count * 3);
  if (layout === 'nhwc') {
    for (let i = 0; i < data.length; i++) data[i] = (pixels[i] ?? 0) * scale + offset;
    return { data, shape: [1, height, width, 3] };
  }
  for (let p = 0; p < count; p++) {
    data[p] = (pixels[p * 3] ?? 0) * scale + offset;
    data[count + p] = (pixels[p * 3 + 1] ?? 0) * scale + offset;
    data[2 * count + p] = (pixels[p * 3 + 2] ?? 0) * scale + offset;
  }
  return { data, shape: [1, 3, height, width] };
}
