import { type Static, Type } from '@sinclair/typebox';
import { literalUnion, NAME_PATTERN, strictObject } from '../../base/schema';

/** Built-in model names the local detectors can run. */
const BUILTIN_MODELS = ['centernet'] as const;

function builtinDetector(type: 'wasm' | 'cpu' | 'tfjs-node', what: string) {
  return strictObject(
    {
      type: Type.Literal(type, { description: what }),
      model: literalUnion(BUILTIN_MODELS, {
        default: 'centernet',
        description: 'Model from the built-in registry.',
      }),
      threads: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 64,
          description:
            'Most worker threads (each holds the model, ~180 MB); more start only while all are busy. Default 1.',
        }),
      ),
    },
    { description: what },
  );
}

const OnnxDetector = strictObject(
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

const RemoteDetector = strictObject(
  {
    type: Type.Literal('remote', { description: 'Detection done by another machine over HTTP.' }),
    url: Type.String({
      minLength: 1,
      description: 'Endpoint of the remote detector, e.g. http://gpu-box:8000/detect.',
    }),
    timeout_ms: Type.Integer({
      minimum: 1,
      maximum: 60_000,
      default: 2000,
      description: 'Give up on one request after this long.',
    }),
  },
  { description: 'A detector on another machine.' },
);

/** One object detector backend, chosen by `type`. */
const DetectorSchema = Type.Union(
  [
    builtinDetector('wasm', 'TensorFlow.js on WebAssembly; runs everywhere.'),
    builtinDetector('cpu', 'TensorFlow.js on the plain CPU backend.'),
    builtinDetector(
      'tfjs-node',
      'TensorFlow.js with libtensorflow, when @tensorflow/tfjs-node is installed.',
    ),
    OnnxDetector,
    RemoteDetector,
  ],
  { description: 'A detector; `type` is one of wasm, cpu, tfjs-node, onnx, remote.' },
);

/** Detectors by name; cameras use `default` unless told otherwise. */
export const DetectorsSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), DetectorSchema, {
  additionalProperties: false,
  default: { default: { type: 'wasm', model: 'centernet' } },
  description: 'Object detectors by name.',
});

/** One object detector backend. */
export type DetectorConfig = Static<typeof DetectorSchema>;
/** The detector type names. */
export type DetectorType = DetectorConfig['type'];
