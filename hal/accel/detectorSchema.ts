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

/**
 * Detectors by name; cameras use `default` unless told otherwise. The default: NanoDet on
 * onnxruntime, one intra-op thread (README "Object models": ~5× the regions/s of CenterNet on
 * wasm at the same recall on vtest.avi; one thread per inference leaves the other cores to
 * ffmpeg, motion and further detector instances).
 */
export const DetectorsSchema = Type.Record(Type.String({ pattern: NAME_PATTERN }), DetectorSchema, {
  additionalProperties: false,
  default: { default: { type: 'onnx', model: 'nanodet', execution_provider: 'cpu', intra_op_threads: 1 } },
  description: 'Object detectors by name.',
});

/** One object detector backend. */
export type DetectorConfig = Static<typeof DetectorSchema>;
/** The detector type names. */
export type DetectorType = DetectorConfig['type'];
