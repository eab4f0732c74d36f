import { type Static, Type } from '@sinclair/typebox';
import { NAME_PATTERN } from '../../base/schema';
import { OnnxDetectorSchema } from './detectors/onnxDetectorSchema';
import { RemoteDetectorSchema } from './detectors/remoteDetectorSchema';
import { tfjsDetectorSchema } from './detectors/tfjsDetectorSchema';

/** One object detector backend, chosen by `type`; each detector owns its section's schema beside its code. */
const DetectorSchema = Type.Union(
  [
    tfjsDetectorSchema('wasm', 'TensorFlow.js on WebAssembly; runs everywhere.'),
    tfjsDetectorSchema('cpu', 'TensorFlow.js on the plain CPU backend.'),
    tfjsDetectorSchema(
      'tfjs-node',
      'TensorFlow.js with libtensorflow, when @tensorflow/tfjs-node is installed.',
    ),
    OnnxDetectorSchema,
    RemoteDetectorSchema,
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
