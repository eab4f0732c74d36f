import type { TensorLayout } from '../preprocess/inputTensor';
import type { ModelInfo } from '../types';

/** Input size used when an ONNX model leaves its height and width open (Ultralytics' default). */
const DEFAULT_ONNX_INPUT_SIZE = 640;

/** How to feed an image-detection ONNX model, read from its first input. */
export interface OnnxModelInput {
  layout: TensorLayout;
  width: number;
  height: number;
}

/**
 * Reads layout and size from the model's first input: [1, 3, H, W] (NCHW, what PyTorch exports)
 * or [1, H, W, 3] (NHWC). Symbolic (dynamic) height/width fall back to 640.
 */
export function onnxModelInput(info: ModelInfo, modelPath: string): OnnxModelInput {
  const input = info.inputs[0];
  if (!input) throw new Error(`ONNX model ${modelPath} has no inputs`);
  const shape = input.shape;
  const size = (dim: number | string | undefined) =>
    typeof dim === 'number' && dim > 0 ? dim : DEFAULT_ONNX_INPUT_SIZE;
  if (shape.length === 4 && shape[1] === 3)
    return { layout: 'nchw', height: size(shape[2]), width: size(shape[3]) };
  if (shape.length === 4 && shape[3] === 3)
    return { layout: 'nhwc', height: size(shape[1]), width: size(shape[2]) };
  throw new Error(
    `ONNX model ${modelPath}: input '${input.name}' has shape [${shape.join(', ')}]; an image detector needs [1, 3, H, W] or [1, H, W, 3]`,
  );
}
