import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** The `onnx` detector's section: a user-supplied ONNX model. */
export const OnnxDetectorSchema = strictObject(
  {
    type: Type.Literal('onnx', { description: 'A user-supplied ONNX model via onnxruntime-node.' }),
    model_path: Type.String({ minLength: 1, description: 'Path of the .onnx model file.' }),
    execution_provider: literalUnion(['cpu', 'cuda', 'tensorrt'], {
      default: 'cpu',
      description: 'onnxruntime execution provider.',
    }),
  },
  { description: 'A user-supplied ONNX model.' },
);
