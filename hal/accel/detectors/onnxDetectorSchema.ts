import { Type } from '@sinclair/typebox';
import { literalUnion, strictObject } from '../../../base/schema';

/** Built-in models the onnx detector can convert and run (graph models of ops it knows). */
const ONNX_REGISTRY_MODELS = ['nanodet'] as const;

/** The `onnx` detector's section: a user-supplied ONNX model, or a built-in one converted. */
export const OnnxDetectorSchema = strictObject(
  {
    type: Type.Literal('onnx', { description: 'An ONNX model via onnxruntime-node.' }),
    model_path: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Path of a YOLOv5/v8/v11-style .onnx model file; or give `model`.',
      }),
    ),
    model: Type.Optional(
      literalUnion(ONNX_REGISTRY_MODELS, {
        description: 'A built-in model converted to ONNX when it loads (instead of `model_path`).',
      }),
    ),
    intra_op_threads: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        description:
          "onnxruntime's threads for one inference; default: one per core, less one core for the cameras from 3 cores up, at most 4 (then the detector runs one instance). 1 makes the detector single-threaded: it then gets one instance per core (see `instances`).",
      }),
    ),
    execution_provider: literalUnion(['cpu', 'cuda', 'tensorrt'], {
      default: 'cpu',
      description: 'onnxruntime execution provider.',
    }),
  },
  { description: 'An ONNX model: a file (`model_path`) or a built-in model (`model`).' },
);
